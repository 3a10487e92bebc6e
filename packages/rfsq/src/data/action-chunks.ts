/**
 * Cuts chunks of `C` steps from one episode, starting every `stride` steps; a chunk running
 * past the end repeats the last action (as a policy holding still). Every start `0, stride,
 * 2·stride, … < T` gives one chunk.
 * actions: float [T, A] → float32 [N, C, A], N = ceil(T / stride).
 */
export function cutActionChunks(actions: Float64Array | Float32Array, T: number, A: number, C: number, stride: number): Float32Array {
  if (!Number.isInteger(C) || C < 1) throw new RangeError(`C must be an integer >= 1, got ${C}`);
  if (!Number.isInteger(stride) || stride < 1) throw new RangeError(`stride must be an integer >= 1, got ${stride}`);
  if (actions.length !== T * A) throw new RangeError(`actions has ${actions.length} values, [T=${T}, A=${A}] needs ${T * A}`);
  if (T === 0) return new Float32Array(0);
  const N = Math.ceil(T / stride);
  const out = new Float32Array(N * C * A);
  for (let n = 0; n < N; n++) {
    for (let c = 0; c < C; c++) {
      const t = Math.min(n * stride + c, T - 1);
      for (let a = 0; a < A; a++) out[(n * C + c) * A + a] = actions[t * A + a]!;
    }
  }
  return out;
}
