import { describe, expect, it } from 'vitest';
import { resizeMethodFor, resizeRgb } from './resize-rgb.ts';

const image = (w: number, h: number, f: (x: number, y: number, c: number) => number) => ({
  width: w,
  height: h,
  data: Uint8Array.from({ length: w * h * 3 }, (_, i) => f(Math.floor(i / 3) % w, Math.floor(i / 3 / w), i % 3)),
});

describe('resizeRgb', () => {
  it('shrinks by a whole factor as the box mean of each block (256 → 64 is 4×4 blocks)', () => {
    const src = image(8, 4, (x, y, c) => 10 * x + 40 * y + c);
    const out = resizeRgb(src, 4, 2);
    expect([out.width, out.height]).toEqual([4, 2]);
    // block (0,0) covers x 0..1, y 0..1: mean of 0, 10, 40, 50 = 25
    expect([...out.data.subarray(0, 3)]).toEqual([25, 26, 27]);
    const last = (1 * 4 + 3) * 3;
    expect(out.data[last]).toBe((140 + 150 + 180 + 190) / 4); // x 6..7, y 2..3
  });

  it('area-averages fractional factors with partial pixels weighted (a constant image stays constant)', () => {
    const out = resizeRgb(image(7, 5, () => 200), 3, 2);
    expect([...out.data].every((v) => v === 200)).toBe(true);
    expect(resizeMethodFor(256, 256, 224, 224)).toBe('area-average');
  });

  it('enlarges bilinearly; the same size is returned as is', () => {
    const src = image(2, 1, (x) => (x === 0 ? 0 : 100));
    const out = resizeRgb(src, 4, 1);
    expect([0, 1, 2, 3].map((x) => out.data[x * 3])).toEqual([0, 25, 75, 100]);
    expect(resizeMethodFor(2, 1, 4, 1)).toBe('bilinear');
    expect(resizeRgb(src, 2, 1)).toBe(src);
    expect(() => resizeRgb(src, 0, 1)).toThrow(RangeError);
  });
});
