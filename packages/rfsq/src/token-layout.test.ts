import { describe, expect, it } from 'vitest';
import { RfsqError } from './errors/rfsq-error.ts';
import { toResidualMajor } from './token-layout.ts';

describe('toResidualMajor', () => {
  it('moves the layer axis in front of the positions', () => {
    // [B=1, C=1, H=2, L=3]: position h holds codes (h*10 + l)
    const tokens = Int32Array.from([0, 1, 2, 10, 11, 12]);
    expect(Array.from(toResidualMajor(tokens, { B: 1, C: 1, H: 2, L: 3 }))).toEqual([0, 10, 1, 11, 2, 12]);
  });

  it('rejects a length that does not match the shape, naming both', () => {
    const err = (() => {
      try {
        toResidualMajor(new Int32Array(5), { B: 1, C: 2, H: 2, L: 2 });
      } catch (e) {
        return e;
      }
    })();
    expect(RfsqError.isInstance(err)).toBe(true);
    expect((err as RfsqError).code).toBe('INVALID_SHAPE');
    expect((err as Error).message).toMatch(/5 elements.*needs 8/);
  });
});
