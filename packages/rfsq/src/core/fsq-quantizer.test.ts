import { describe, expect, it } from 'vitest';
import { fsqCode, fsqDequantize, fsqLevel, fsqQuantize } from './fsq-quantizer.ts';

describe('FSQ quantizer', () => {
  it('puts odd K levels symmetric around zero, zero included', () => {
    expect([0, 1, 2, 3, 4, 5, 6].map((c) => fsqLevel(c, 7))).toEqual([-1, -2 / 3, -1 / 3, 0, 1 / 3, 2 / 3, 1]);
    expect(fsqCode(0, 7)).toBe(3);
    expect(fsqCode(0.17, 7)).toBe(4); // 0.17 is nearer 1/3 than 0
    expect(fsqCode(-5, 7)).toBe(0);
    expect(fsqCode(5, 7)).toBe(6);
  });

  it('uses even K without a zero level, e.g. [8,5,5,5] of the FSQ paper', () => {
    expect(fsqLevel(3, 8)).toBeCloseTo(-1 / 7, 12);
    expect(fsqLevel(4, 8)).toBeCloseTo(1 / 7, 12);
    const levels = [8, 5, 5, 5];
    const codes = fsqQuantize(Float32Array.from([0.01, -1, 0.26, 1]), levels);
    expect(Array.from(codes)).toEqual([4, 0, 3, 4]);
    expect(Array.from(fsqDequantize(codes, levels))).toEqual([1 / 7, -1, 0.5, 1].map(Math.fround));
  });

  it('refuses codes outside [0, K) naming the index', () => {
    expect(() => fsqDequantize(Int32Array.from([0, 5]), [7, 5])).toThrowError(/codes\[1\] = 5 is outside \[0, 5\)/);
  });
});
