import { describe, expect, it } from 'vitest';
import { computeActionNormalization, denormalizeActions, normalizeActions } from './action-normalization.ts';

describe('action normalisation', () => {
  it('maps the 1st/99th percentiles of each dim to -1/+1 and back', () => {
    // dim 0: 0..100, dim 1: constant 3
    const data = Float64Array.from({ length: 202 }, (_, i) => (i % 2 === 0 ? i / 2 : 3));
    const norm = computeActionNormalization(data, 2);
    expect(norm.low[0]).toBeCloseTo(1, 9);
    expect(norm.high[0]).toBeCloseTo(99, 9);
    expect(norm.high[1]! - norm.low[1]!).toBeCloseTo(6e-3, 9); // constant dim keeps an invertible map
    const x = Float32Array.from([1, 3, 99, 3, 50, 3]);
    const xn = normalizeActions(x, norm);
    expect(xn[0]).toBeCloseTo(-1, 6);
    expect(xn[2]).toBeCloseTo(1, 6);
    expect(xn[4]).toBeCloseTo(0, 6);
    expect(xn[1]).toBeCloseTo(0, 4);
    const back = denormalizeActions(xn, norm);
    back.forEach((v, i) => expect(v).toBeCloseTo(x[i]!, 4));
  });

  it('refuses percentiles in the wrong order', () => {
    expect(() => computeActionNormalization(new Float64Array(4), 2, { lowPercentile: 50, highPercentile: 10 })).toThrowError(
      RangeError,
    );
  });
});
