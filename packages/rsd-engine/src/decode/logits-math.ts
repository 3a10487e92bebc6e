/**
 * Index of the largest of `K` logits starting at `offset` (the first one on a tie), so every
 * decoding path picks the same code for the same logits.
 * logits: float32 [..., K] flat.
 */
export function argmaxAt(logits: Float32Array, offset: number, K: number): number {
  let best = 0;
  let bestValue = logits[offset]!;
  for (let v = 1; v < K; v++) {
    const x = logits[offset + v]!;
    if (x > bestValue) {
      bestValue = x;
      best = v;
    }
  }
  return best;
}

/**
 * Softmax at temperature `T` of the `K` logits starting at `offset`, in float64, written to
 * `out` (length >= K): `p_v = exp((x_v − max) / T) / Σ`.
 */
export function softmaxAt(logits: Float32Array, offset: number, K: number, T: number, out: Float64Array): Float64Array {
  let max = -Infinity;
  for (let v = 0; v < K; v++) max = Math.max(max, logits[offset + v]!);
  let sum = 0;
  for (let v = 0; v < K; v++) {
    const e = Math.exp((logits[offset + v]! - max) / T);
    out[v] = e;
    sum += e;
  }
  for (let v = 0; v < K; v++) out[v] = out[v]! / sum;
  return out;
}

/**
 * Draws a code from the distribution `p` (K non-negative weights summing to `total`) by
 * inversion with `u` in [0, 1). Weights of zero are never drawn.
 */
export function sampleCategorical(p: Float64Array, K: number, u: number, total = 1): number {
  const target = u * total;
  let acc = 0;
  let last = -1;
  for (let v = 0; v < K; v++) {
    const w = p[v]!;
    if (w <= 0) continue;
    acc += w;
    last = v;
    if (target < acc) return v;
  }
  if (last < 0) throw new RangeError('sampleCategorical: the distribution has no mass');
  return last; // u·total at the top edge after rounding: the last code with mass
}
