import { SeededPrng } from '@rsd/rfsq';
import { describe, expect, test } from 'vitest';
import { randomShift } from './random-shift.ts';

/** uint8 [B, S, S, 3] whose pixel (y, x) of image b is (y, x, b). */
function coordinates(B: number, S: number): Uint8Array {
  const img = new Uint8Array(B * S * S * 3);
  for (let b = 0; b < B; b++)
    for (let y = 0; y < S; y++) for (let x = 0; x < S; x++) img.set([y, x, b], ((b * S + y) * S + x) * 3);
  return img;
}

describe('randomShift', () => {
  test('pad 0 is the identity', () => {
    const img = coordinates(3, 8);
    expect(randomShift(img, 3, 8, 0, new SeededPrng(1))).toEqual(img);
  });

  test('each image is one translation by at most ±pad, clamped at the edges', () => {
    const B = 32;
    const S = 12;
    const pad = 3;
    const out = randomShift(coordinates(B, S), B, S, pad, new SeededPrng(7));
    const shifts = new Set<string>();
    for (let b = 0; b < B; b++) {
      // the centre pixel tells the shift; every other pixel must follow it
      const c = ((b * S + 6) * S + 6) * 3;
      const dy = out[c]! - 6;
      const dx = out[c + 1]! - 6;
      expect(Math.abs(dy)).toBeLessThanOrEqual(pad);
      expect(Math.abs(dx)).toBeLessThanOrEqual(pad);
      shifts.add(`${dy},${dx}`);
      for (let y = 0; y < S; y++) {
        for (let x = 0; x < S; x++) {
          const o = ((b * S + y) * S + x) * 3;
          expect([out[o], out[o + 1], out[o + 2]]).toEqual([
            Math.min(S - 1, Math.max(0, y + dy)),
            Math.min(S - 1, Math.max(0, x + dx)),
            b,
          ]);
        }
      }
    }
    expect(shifts.size).toBeGreaterThan(5);
  });

  test('the same seed gives the same shifts, another seed others', () => {
    const img = coordinates(16, 10);
    const a = randomShift(img, 16, 10, 4, new SeededPrng(3));
    expect(randomShift(img, 16, 10, 4, new SeededPrng(3))).toEqual(a);
    expect(randomShift(img, 16, 10, 4, new SeededPrng(4))).not.toEqual(a);
  });

  test('a wrong size or pad is a RangeError naming the argument', () => {
    expect(() => randomShift(new Uint8Array(5), 1, 2, 1, new SeededPrng(0))).toThrow(/images/);
    expect(() => randomShift(coordinates(1, 4), 1, 4, -1, new SeededPrng(0))).toThrow(/pad/);
  });
});
