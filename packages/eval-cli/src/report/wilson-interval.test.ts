import { fc, test } from '@fast-check/vitest';
import { describe, expect, it } from 'vitest';
import { wilsonInterval } from './wilson-interval.ts';

describe('wilsonInterval', () => {
  it('matches the textbook value for 8/10', () => {
    // Wilson 95 % for p = 0.8, n = 10: [0.4902, 0.9433]
    const { low, high } = wilsonInterval(8, 10);
    expect(low).toBeCloseTo(0.4902, 4);
    expect(high).toBeCloseTo(0.9433, 4);
  });

  test.prop([fc.integer({ min: 1, max: 1000 }).chain((n) => fc.tuple(fc.integer({ min: 0, max: n }), fc.constant(n)))])(
    'contains the observed rate and stays in [0, 1]',
    ([k, n]) => {
      const { low, high } = wilsonInterval(k, n);
      expect(low).toBeGreaterThanOrEqual(0);
      expect(high).toBeLessThanOrEqual(1);
      expect(low).toBeLessThanOrEqual(k / n + 1e-12);
      expect(high).toBeGreaterThanOrEqual(k / n - 1e-12);
    },
  );

  it('rejects successes above trials', () => {
    expect(() => wilsonInterval(3, 2)).toThrowError(/successes/);
  });
});
