import { fc, test } from '@fast-check/vitest';
import { describe, expect } from 'vitest';
import { formatEnsemble, parseEnsemble, TemporalEnsemble } from './temporal-ensemble.ts';

const C = 4;
const A = 3;
const chunkArb = fc.float32Array({ minLength: C * A, maxLength: C * A, noNaN: true, noDefaultInfinity: true, min: -1, max: 1 });

describe('TemporalEnsemble', () => {
  test.prop([chunkArb, fc.double({ min: 0, max: 5, noNaN: true }), fc.integer({ min: 0, max: C - 1 })])(
    'one chunk: the action is that chunk’s action at the offset',
    (chunk, decay, off) => {
      const e = new TemporalEnsemble(decay, C, A);
      e.add(10, chunk);
      expect([...e.actionAt(10 + off)]).toEqual([...chunk.subarray(off * A, off * A + A)].map((x) => x + 0)); // -0 → 0
    },
  );

  test.prop([fc.array(chunkArb, { minLength: 1, maxLength: C }), fc.double({ min: 0, max: 5, noNaN: true })])(
    'the action is a convex combination: inside the per-dimension min and max of the votes',
    (chunks, decay) => {
      const e = new TemporalEnsemble(decay, C, A);
      chunks.forEach((c, i) => e.add(i, c));
      const t = chunks.length - 1;
      const a = e.actionAt(t);
      for (let d = 0; d < A; d++) {
        const votes = chunks.map((c, i) => c[(t - i) * A + d]!);
        expect(a[d]!).toBeGreaterThanOrEqual(Math.min(...votes) - 1e-6);
        expect(a[d]!).toBeLessThanOrEqual(Math.max(...votes) + 1e-6);
      }
    },
  );

  test('weights exp(-decay * i) with i = 0 the oldest chunk; chunks that ended are dropped', () => {
    const e = new TemporalEnsemble(Math.log(2), C, 1);
    e.add(0, Float32Array.from([0, 0, 0, 0]));
    e.add(1, Float32Array.from([3, 3, 3, 3]));
    // weights 1 and 1/2 → (0·1 + 3·0.5) / 1.5 = 1
    expect(e.actionAt(1)[0]).toBeCloseTo(1, 12);
    // at t = 4 the chunk from step 0 no longer covers: only the step-1 chunk votes
    expect(e.actionAt(4)[0]).toBe(3);
    expect(() => e.actionAt(5)).toThrow(/no stored chunk covers step 5/);
  });

  test('bad input is a RangeError naming it', () => {
    expect(() => new TemporalEnsemble(-1, C, A)).toThrow(/decay/);
    const e = new TemporalEnsemble(0, C, A);
    expect(() => e.add(0, new Float32Array(3))).toThrow(/C\*A = 12/);
    e.add(2, new Float32Array(C * A));
    expect(() => e.add(1, new Float32Array(C * A))).toThrow(/after one at step 2/);
  });
});

describe('parseEnsemble', () => {
  test('round trip and refusals', () => {
    expect(parseEnsemble('none')).toEqual({ kind: 'none' });
    expect(formatEnsemble(parseEnsemble('temporal:0.25'))).toBe('temporal:0.25');
    for (const bad of ['temporal', 'temporal:-1', 'temporal:x', 'ensemble', '']) {
      expect(() => parseEnsemble(bad)).toThrow(/ensemble must be/);
    }
  });
});
