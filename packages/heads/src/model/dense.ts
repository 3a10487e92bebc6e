/**
 * `y = x·Wᵀ + b` on plain arrays, accumulated in float64.
 * x: float32 [B, in]; w: float32 [out, in] (PyTorch layout); b: float32 [out] or none.
 * Returns float32 [B, out] (as float64 values when `relu` is false and further sums follow).
 */
export function dense(
  x: Float64Array | Float32Array,
  B: number,
  inWidth: number,
  w: Float32Array,
  b: Float32Array | undefined,
  outWidth: number,
  relu: boolean,
): Float64Array {
  const y = new Float64Array(B * outWidth);
  for (let r = 0; r < B; r++) {
    for (let o = 0; o < outWidth; o++) {
      let s = b === undefined ? 0 : b[o]!;
      const wo = o * inWidth;
      const xr = r * inWidth;
      for (let i = 0; i < inWidth; i++) s += x[xr + i]! * w[wo + i]!;
      y[r * outWidth + o] = relu && s < 0 ? 0 : s;
    }
  }
  return y;
}
