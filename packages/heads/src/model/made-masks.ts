import type { HeadsConfig } from '../heads-config.ts';

/** Degree of main-head hidden unit `i` (ARCHITECTURE.md): `i mod L`. */
export function hiddenDegree(i: number, L: number): number {
  return i % L;
}

/** The three MADE masks of the main head (1 = connection kept, 0 = cut). */
export interface MainMasks {
  /** float32 [D, L·P·K]: hidden unit i sees token layer j iff j < m(i). */
  readonly input: Float32Array;
  /** float32 [D, D]: unit i' sees unit i iff m(i) <= m(i'). */
  readonly hidden: Float32Array;
  /** float32 [L·P·K, D]: output row of layer l sees unit i iff m(i) <= l. */
  readonly output: Float32Array;
}

/** Builds the masks from the config alone (they are never stored). */
export function mainMasks(cfg: HeadsConfig): MainMasks {
  const D = cfg.mainWidth;
  const PK = cfg.C * cfg.H * cfg.K;
  const LPK = cfg.L * PK;
  const input = new Float32Array(D * LPK);
  const hidden = new Float32Array(D * D);
  const output = new Float32Array(LPK * D);
  for (let i = 0; i < D; i++) {
    const m = hiddenDegree(i, cfg.L);
    // token layer j occupies columns [j·PK, (j+1)·PK); kept iff j < m
    input.fill(1, i * LPK, i * LPK + m * PK);
    for (let i2 = 0; i2 < D; i2++) if (m <= hiddenDegree(i2, cfg.L)) hidden[i2 * D + i] = 1;
    for (let row = 0; row < LPK; row++) if (m <= Math.floor(row / PK)) output[row * D + i] = 1;
  }
  return { input, hidden, output };
}

/** `w ⊙ mask` as a new array. */
export function applyMask(w: Float32Array, mask: Float32Array): Float32Array {
  if (w.length !== mask.length) throw new RangeError(`applyMask: weight has ${w.length} values, mask ${mask.length}`);
  const out = new Float32Array(w.length);
  for (let i = 0; i < w.length; i++) out[i] = w[i]! * mask[i]!;
  return out;
}
