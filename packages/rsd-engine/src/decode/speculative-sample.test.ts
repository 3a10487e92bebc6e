import { describe, expect, it } from 'vitest';
import { CounterRandom } from './counter-random.ts';
import { sampleCategorical } from './logits-math.ts';
import { speculativeSample, type PositionDecision, type UniformSource } from './speculative-sample.ts';

type Sampler = (p: Float64Array, q: Float64Array, K: number, d: number, r: UniformSource, scratch: Float64Array) => PositionDecision;

/** Chi-square critical values at α = 0.001 by degrees of freedom. */
const CHI2_CRITICAL_001: Record<number, number> = { 2: 13.82, 3: 16.27, 4: 18.47, 8: 26.12 };

/** Draws `n` proposals d ~ q, verifies each with `sampler`, returns the chi-square of the kept codes against p. */
function chiSquare(sampler: Sampler, p: number[], q: number[], n: number, seed: number): number {
  const K = p.length;
  const P = Float64Array.from(p);
  const Q = Float64Array.from(q);
  const scratch = new Float64Array(K);
  const random = new CounterRandom(seed);
  const counts = new Array<number>(K).fill(0);
  for (let i = 0; i < n; i++) {
    const d = sampleCategorical(Q, K, random.next());
    counts[sampler(P, Q, K, d, random, scratch).token]!++;
  }
  return counts.reduce((s, c, v) => s + (c - n * p[v]!) ** 2 / (n * p[v]!), 0);
}

/** A deliberately broken rule: keeps every proposal (outputs the draft's distribution q). */
const alwaysAccept: Sampler = (_p, _q, _K, d) => ({ token: d, accepted: true });
/** Another broken rule: on rejection draws from p instead of the residual max(0, p − q). */
const resampleFromP: Sampler = (p, q, K, d, r) => {
  if (r.next() * q[d]! < p[d]!) return { token: d, accepted: true };
  return { token: sampleCategorical(p, K, r.next()), accepted: false };
};

describe('speculativeSample', () => {
  const cases: [string, number[], number[]][] = [
    ['draft too flat', [0.7, 0.2, 0.05, 0.05], [0.25, 0.25, 0.25, 0.25]],
    ['draft too sharp', [0.3, 0.3, 0.2, 0.2], [0.85, 0.05, 0.05, 0.05]],
    ['draft misses a code', [0.4, 0.1, 0.1, 0.4], [0.5, 0.25, 0.25, 0]],
    ['K = 3', [0.6, 0.3, 0.1], [0.2, 0.2, 0.6]],
  ];

  it.each(cases)('kept codes follow the main distribution p (%s; chi-square over 24,000 draws)', (_name, p, q) => {
    const stat = chiSquare(speculativeSample, p, q, 24_000, 1234);
    expect(stat).toBeLessThan(CHI2_CRITICAL_001[p.length - 1]!);
  });

  it.each(cases)('the same test rejects a rule that always accepts (%s)', (_name, p, q) => {
    expect(chiSquare(alwaysAccept, p, q, 24_000, 1234)).toBeGreaterThan(CHI2_CRITICAL_001[p.length - 1]!);
  });

  it.each(cases.slice(0, 3))('the same test rejects resampling from p instead of the residual (%s)', (_name, p, q) => {
    expect(chiSquare(resampleFromP, p, q, 24_000, 1234)).toBeGreaterThan(CHI2_CRITICAL_001[p.length - 1]!);
  });

  it('accepts every proposal when p = q', () => {
    const p = Float64Array.from([0.1, 0.6, 0.3]);
    const random = new CounterRandom(5);
    for (let i = 0; i < 1000; i++) {
      const d = sampleCategorical(p, 3, random.next());
      expect(speculativeSample(p, p, 3, d, random, new Float64Array(3))).toEqual({ token: d, accepted: true });
    }
  });

  it('never keeps a code main gives zero probability', () => {
    const p = Float64Array.from([0, 1, 0]);
    const q = Float64Array.from([0.5, 0, 0.5]);
    const random = new CounterRandom(9);
    for (let i = 0; i < 200; i++) expect(speculativeSample(p, q, 3, i % 2 === 0 ? 0 : 2, random, new Float64Array(3)).token).toBe(1);
  });
});
