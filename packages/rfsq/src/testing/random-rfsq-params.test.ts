import { describe, expect, it } from 'vitest';
import { validateRfsqParams } from '../core/rfsq-params.ts';
import { randomRfsqParams } from './random-rfsq-params.ts';

describe('randomRfsqParams', () => {
  it('gives the same valid params for the same seed and different ones for another seed', () => {
    const a = randomRfsqParams({ C: 8, A: 7, H: 7, L: 8, K: 7, variant: 'robust' }, 3);
    const b = randomRfsqParams({ C: 8, A: 7, H: 7, L: 8, K: 7, variant: 'robust' }, 3);
    const c = randomRfsqParams({ C: 8, A: 7, H: 7, L: 8, K: 7, variant: 'robust' }, 4);
    validateRfsqParams(a);
    expect(a).toEqual(b);
    expect(a.encoder[0]!.weight).not.toEqual(c.encoder[0]!.weight);
    expect(a.layerScales).toHaveLength(8);
    expect(a.layerScales[7]!).toBeLessThan(a.layerScales[0]!);
  });

  it('gives naive params unit scales and zero shifts', () => {
    const p = randomRfsqParams({ C: 2, A: 3, H: 2, L: 4, K: 5, variant: 'naive' }, 1);
    expect(p.layerScales).toEqual([1, 1, 1, 1]);
    expect(p.layerShifts).toEqual([0, 0, 0, 0]);
  });
});
