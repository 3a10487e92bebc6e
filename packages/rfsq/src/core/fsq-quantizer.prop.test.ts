import { fc, test } from '@fast-check/vitest';
import { describe, expect } from 'vitest';
import { fsqCode, fsqDequantize, fsqLevel, fsqQuantize, fsqStep } from './fsq-quantizer.ts';

const arbLevels = fc.array(fc.integer({ min: 2, max: 16 }), { minLength: 1, maxLength: 6 });

describe('FSQ quantizer (properties)', () => {
  test.prop([fc.integer({ min: 2, max: 32 }), fc.float({ min: -1, max: 1, noNaN: true })])(
    'level(code(u)) is within half a step of an in-range u',
    (K, u) => {
      const err = Math.abs(fsqLevel(fsqCode(u, K), K) - u);
      expect(err).toBeLessThanOrEqual(fsqStep(K) / 2 + 1e-6);
    },
  );

  test.prop([fc.integer({ min: 2, max: 32 }), fc.float({ noNaN: true })])('codes are always in [0, K)', (K, u) => {
    const c = fsqCode(u, K);
    expect(Number.isInteger(c) && c >= 0 && c < K).toBe(true);
  });

  test.prop([arbLevels.chain((levels) => fc.tuple(fc.constant(levels), fc.integer({ min: 1, max: 5 })))])(
    'per-dim level lists: every code decodes to itself',
    ([levels, N]) => {
      const codes = Int32Array.from({ length: N * levels.length }, (_, i) => (i * 7 + 3) % levels[i % levels.length]!);
      expect(fsqQuantize(fsqDequantize(codes, levels), levels)).toEqual(codes);
    },
  );
});
