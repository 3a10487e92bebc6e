import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { writeRandomBundle } from '@rsd/heads/testing';
import * as ort from 'onnxruntime-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadEngine, type RsdEngine } from '../src/index.ts';
import { softmaxAt } from '../src/decode/logits-math.ts';

/**
 * End-to-end losslessness of sample mode: C = H = 1, L = 2, K = 3 and one fixed feature vector
 * repeated over a batch of N rows (each row an independent draw). The joint distribution of the
 * two codes must match main.onnx's own sampling distribution p(t0) p(t1 | t0).
 */
const dims = { C: 1, A: 2, H: 1, L: 2, K: 3, F: 4, k: 2 };
const N = 20_000;
const T = 1.3;
const CHI2_DF8_001 = 26.12;
let root: string;
let engine: RsdEngine;
let expected: number[];
const features = new Float32Array(N * dims.F);

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'rsd-engine-sample-'));
  const dir = join(root, 'b');
  await writeRandomBundle(dir, { dims, seed: 17, heads: { mainWidth: 12, draftWidth: 8 } });
  engine = await loadEngine(dir, { log: () => {}, executionProviders: ['cpu'] });
  const f = [0.9, -1.4, 0.3, 2.0];
  for (let i = 0; i < N; i++) features.set(f, i * dims.F);
  // main's distribution, computed exactly from main.onnx: p(t0) from an empty prefix, p(t1 | t0) per t0
  const main = await ort.InferenceSession.create(join(dir, 'main.onnx'));
  const out = await main.run({
    features: new ort.Tensor('float32', Float32Array.from([...f, ...f, ...f]), [3, dims.F]),
    tokens: new ort.Tensor('int64', BigInt64Array.from([0n, 0n, 1n, 0n, 2n, 0n]), [3, 1, 1, 2]),
  });
  const logits = out.logits!.data as Float32Array; // [3, 1, 1, 2, 3]
  const p0 = softmaxAt(logits, 0, 3, T, new Float64Array(3));
  expected = [];
  for (let t0 = 0; t0 < 3; t0++) {
    const p1 = softmaxAt(logits, (t0 * 2 + 1) * 3, 3, T, new Float64Array(3));
    for (let t1 = 0; t1 < 3; t1++) expected.push(p0[t0]! * p1[t1]!);
  }
  await main.release();
});
afterAll(async () => {
  await engine.close();
  await rm(root, { recursive: true, force: true });
});

function chiSquare(tokens: Int32Array): number {
  const counts = new Array<number>(9).fill(0);
  for (let i = 0; i < N; i++) counts[tokens[i * 2]! * 3 + tokens[i * 2 + 1]!]!++;
  return counts.reduce((s, c, j) => s + (c - N * expected[j]!) ** 2 / (N * expected[j]!), 0);
}

describe('sample mode through ONNX Runtime', () => {
  it('the distribution really is not degenerate (every cell has mass)', () => {
    expect(Math.min(...expected)).toBeGreaterThan(0.005);
  });

  it.each([1, 2])('RSD samples (k = %i) match the main head sampling distribution (chi-square, 20,000 draws)', async (k) => {
    const r = await engine.predictFromFeatures(features, N, { mode: 'rsd', acceptance: { kind: 'sample', temperature: T, seed: 7 }, draftLayers: k });
    expect(chiSquare(r.tokens)).toBeLessThan(CHI2_DF8_001);
    expect(r.stats.acceptanceRate).toBeGreaterThan(0);
    expect(r.stats.acceptanceRate).toBeLessThan(1);
    // after a rejected layer 0, layer 1 is proposed by main and verified against its own earlier softmax
    if (k === 1) expect(r.stats.layerChecks.main.tokensChecked[1]).toBeGreaterThan(0);
  });

  it('jacobi samples (no draft; main proposes from its previous pass) match it too', async () => {
    const r = await engine.predictFromFeatures(features, N, { mode: 'jacobi', acceptance: { kind: 'sample', temperature: T, seed: 11 } });
    expect(chiSquare(r.tokens)).toBeLessThan(CHI2_DF8_001);
    // layer 1's main proposals were checked and some, not all, kept: the Jacobi path really ran
    const main = r.stats.layerChecks.main;
    expect(main.tokensChecked[1]).toBeGreaterThan(N / 2);
    expect(main.tokensKept[1]).toBeGreaterThan(0);
    expect(main.tokensKept[1]).toBeLessThan(main.tokensChecked[1]!);
  });

  it('baseline sampling matches it too, and the draft alone would not (the check can fail)', async () => {
    const base = await engine.predictFromFeatures(features, N, { mode: 'baseline', acceptance: { kind: 'sample', temperature: T, seed: 8 } });
    expect(chiSquare(base.tokens)).toBeLessThan(CHI2_DF8_001);
    // tokens taken from an RSD call that accepts every proposal: the draft's distribution
    const draftOnly = await engine.predictFromFeatures(features, N, { mode: 'rsd', acceptance: { kind: 'relaxed', tolerance: 2 }, draftLayers: 2 });
    expect(draftOnly.stats.acceptanceRate).toBe(1);
    expect(chiSquare(draftOnly.tokens)).toBeGreaterThan(CHI2_DF8_001);
  });

  it('is reproducible: the n-th call with a seed gives the same draws in a fresh engine', async () => {
    const opts = { mode: 'rsd', acceptance: { kind: 'sample', temperature: T, seed: 99 } } as const;
    const small = features.subarray(0, 50 * dims.F);
    const a1 = await engine.predictFromFeatures(small, 50, opts);
    const a2 = await engine.predictFromFeatures(small, 50, opts);
    expect(a1.tokens).not.toEqual(a2.tokens);
    const other = await loadEngine(join(root, 'b'), { log: () => {}, executionProviders: ['cpu'] });
    expect((await other.predictFromFeatures(small, 50, opts)).tokens).toEqual(a1.tokens);
    await other.close();
  });
});
