import { describe, expect, it } from 'vitest';
import { resizeMethodFor, resizeRgb } from './resize-rgb.ts';

const gray = (w: number, h: number, values: number[]) => ({ width: w, height: h, data: Uint8Array.from(values.flatMap((v) => [v, v, v])) });
const channel0 = (img: { data: Uint8Array }) => Array.from(img.data.filter((_, i) => i % 3 === 0));

describe('resizing to the bundle’s input (what the metadata promises)', () => {
  it('picks area when both sides shrink, bilinear otherwise, none at the same size', () => {
    expect(resizeMethodFor(224, 224, 64, 64)).toBe('area-average');
    expect(resizeMethodFor(32, 32, 64, 64)).toBe('bilinear');
    expect(resizeMethodFor(128, 32, 64, 64)).toBe('bilinear');
    expect(resizeMethodFor(64, 64, 64, 64)).toBe('none');
  });

  it('shrinking by a whole factor is a box mean; a fractional one weighs partial pixels', () => {
    expect(channel0(resizeRgb(gray(4, 2, [0, 10, 20, 30, 40, 50, 60, 70]), 2, 1))).toEqual([25, 45]);
    expect(channel0(resizeRgb(gray(3, 1, [0, 30, 60]), 2, 1))).toEqual([10, 50]); // (0·1 + 30·0.5)/1.5, (30·0.5 + 60·1)/1.5
  });

  it('enlarging is bilinear with half-pixel centres (OpenCV INTER_LINEAR)', () => {
    expect(channel0(resizeRgb(gray(2, 1, [0, 100]), 4, 1))).toEqual([0, 25, 75, 100]);
  });
});
