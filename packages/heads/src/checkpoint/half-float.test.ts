import { describe, expect, it } from 'vitest';
import { bfloat16BitsToNumber, float16BitsToNumber, numberToBFloat16Bits, numberToFloat16Bits } from './half-float.ts';

describe('float16 / bfloat16', () => {
  it('decodes known float16 patterns', () => {
    expect(float16BitsToNumber(0x3c00)).toBe(1);
    expect(float16BitsToNumber(0xc000)).toBe(-2);
    expect(float16BitsToNumber(0x7bff)).toBe(65504);
    expect(float16BitsToNumber(0x0001)).toBe(2 ** -24);
    expect(float16BitsToNumber(0x0400)).toBe(2 ** -14);
    expect(float16BitsToNumber(0x3555)).toBe(0.333251953125);
    expect(float16BitsToNumber(0x7c00)).toBe(Infinity);
    expect(Object.is(float16BitsToNumber(0x8000), -0)).toBe(true);
    expect(float16BitsToNumber(0x7e00)).toBeNaN();
  });

  it('decodes known bfloat16 patterns', () => {
    expect(bfloat16BitsToNumber(0x3f80)).toBe(1);
    expect(bfloat16BitsToNumber(0xc040)).toBe(-3);
    expect(bfloat16BitsToNumber(0x3eab)).toBe(0.333984375);
    expect(bfloat16BitsToNumber(0xff80)).toBe(-Infinity);
  });

  it('encodes every non-NaN pattern back to itself, in increasing order', () => {
    for (const [decode, encode, nanFrom] of [
      [float16BitsToNumber, numberToFloat16Bits, 0x7c01],
      [bfloat16BitsToNumber, numberToBFloat16Bits, 0x7f81],
    ] as const) {
      let prev = -Infinity;
      const bad: number[] = [];
      for (let b = 0; b < nanFrom; b++) {
        const v = decode(b);
        if (encode(v) !== b || encode(-v) !== (b | 0x8000) || !(v > prev || b === 0)) bad.push(b);
        prev = v;
      }
      expect(bad).toEqual([]);
    }
  });

  it('rounds to nearest even', () => {
    expect(numberToFloat16Bits(1 + 2 ** -11)).toBe(0x3c00); // tie → even
    expect(numberToFloat16Bits(1 + 3 * 2 ** -11)).toBe(0x3c02); // tie → even (up)
    expect(numberToFloat16Bits(70000)).toBe(0x7c00);
    expect(numberToFloat16Bits(2 ** -25)).toBe(0); // tie with zero → even
    expect(numberToFloat16Bits(3 * 2 ** -26)).toBe(1);
    expect(numberToBFloat16Bits(1 + 2 ** -8)).toBe(0x3f80);
    expect(numberToBFloat16Bits(1 + 3 * 2 ** -8)).toBe(0x3f82);
  });
});
