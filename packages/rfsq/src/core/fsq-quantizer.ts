/**
 * Finite scalar quantization of one latent dim with `K` levels on the grid
 * `level(code) = (code − a) / a`, `a = (K − 1) / 2`: K points evenly spaced over [-1, 1],
 * symmetric around zero (zero is a level when K is odd). The step is `1 / a`.
 *
 * Rounding is `floor(v + 0.5)` (half up), the same in the TypeScript core, the TensorFlow.js
 * model and the ONNX graphs, so all three pick the same code at a tie.
 */

/** Half the number of intervals: `(K − 1) / 2`. */
export function fsqHalfWidth(K: number): number {
  return (K - 1) / 2;
}

/** Distance between two neighbouring levels: `2 / (K − 1)`. */
export function fsqStep(K: number): number {
  return 2 / (K - 1);
}

/** The code of the level nearest to `u` (clamped to `[0, K)`). u: float scalar in level units. */
export function fsqCode(u: number, K: number): number {
  const a = (K - 1) / 2;
  const c = Math.floor(Math.fround(Math.fround(Math.fround(u * a) + a) + 0.5));
  return c < 0 ? 0 : c > K - 1 ? K - 1 : c;
}

/** The level of `code` in [-1, 1]. */
export function fsqLevel(code: number, K: number): number {
  const a = (K - 1) / 2;
  return (code - a) / a;
}

/**
 * Quantizes one vector per latent dim.
 * u: float32 [N, H] (row-major), levels: int [H] → codes int32 [N, H], each in `[0, levels[h])`.
 */
export function fsqQuantize(u: Float32Array, levels: readonly number[]): Int32Array {
  const H = levels.length;
  if (H === 0 || u.length % H !== 0) throw new RangeError(`u has ${u.length} values, not a multiple of levels.length ${H}`);
  const out = new Int32Array(u.length);
  for (let i = 0; i < u.length; i++) out[i] = fsqCode(u[i]!, levels[i % H]!);
  return out;
}

/** The inverse map. codes: int32 [N, H], levels: int [H] → float32 [N, H] in [-1, 1]. */
export function fsqDequantize(codes: Int32Array, levels: readonly number[]): Float32Array {
  const H = levels.length;
  if (H === 0 || codes.length % H !== 0) {
    throw new RangeError(`codes has ${codes.length} values, not a multiple of levels.length ${H}`);
  }
  const out = new Float32Array(codes.length);
  for (let i = 0; i < codes.length; i++) {
    const K = levels[i % H]!;
    const c = codes[i]!;
    if (!Number.isInteger(c) || c < 0 || c >= K) throw new RangeError(`codes[${i}] = ${c} is outside [0, ${K})`);
    out[i] = fsqLevel(c, K);
  }
  return out;
}
