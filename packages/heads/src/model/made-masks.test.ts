import { describe, expect, it } from 'vitest';
import type { HeadsConfig } from '../heads-config.ts';
import { applyMask, hiddenDegree, mainMasks } from './made-masks.ts';

const cfg: HeadsConfig = {
  F: 1,
  C: 1,
  H: 1,
  L: 3,
  K: 2,
  draftLayers: 1,
  mainWidth: 4,
  mainDepth: 2,
  draftWidth: 1,
  draftDepth: 0,
};

describe('mainMasks', () => {
  it('gives hidden unit i the degree i mod L', () => {
    expect([0, 1, 2, 3, 4].map((i) => hiddenDegree(i, 3))).toEqual([0, 1, 2, 0, 1]);
  });

  it('matches the ARCHITECTURE.md definitions on a 3-layer example', () => {
    const m = mainMasks(cfg);
    // degrees of units 0..3: 0 1 2 0; token columns (P·K = 2 per layer): layer 0 0 1 1 2 2
    // M_in[i, col(j)] = 1 iff j < m(i)
    expect(Array.from(m.input)).toEqual([
      0,
      0,
      0,
      0,
      0,
      0, // unit 0 (m=0) sees nothing
      1,
      1,
      0,
      0,
      0,
      0, // unit 1 (m=1) sees layer 0
      1,
      1,
      1,
      1,
      0,
      0, // unit 2 (m=2) sees layers 0, 1
      0,
      0,
      0,
      0,
      0,
      0, // unit 3 (m=0)
    ]);
    // M_hid[i', i] = 1 iff m(i) <= m(i')
    expect(Array.from(m.hidden)).toEqual([1, 0, 0, 1, 1, 1, 0, 1, 1, 1, 1, 1, 1, 0, 0, 1]);
    // M_out[row(l), i] = 1 iff m(i) <= l
    expect(Array.from(m.output)).toEqual([
      1,
      0,
      0,
      1,
      1,
      0,
      0,
      1, // layer 0 rows
      1,
      1,
      0,
      1,
      1,
      1,
      0,
      1, // layer 1 rows
      1,
      1,
      1,
      1,
      1,
      1,
      1,
      1, // layer 2 rows
    ]);
  });

  it('applyMask multiplies elementwise and refuses a size mismatch', () => {
    expect(Array.from(applyMask(Float32Array.of(2, 3), Float32Array.of(0, 1)))).toEqual([0, 3]);
    expect(() => applyMask(Float32Array.of(1), Float32Array.of(1, 1))).toThrow(RangeError);
  });
});
