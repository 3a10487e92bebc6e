import type { HeadsConfig } from '../heads-config.ts';

/** Index of the largest of `K` values starting at `offset` (the first one on ties). */
export function argmaxAt(values: Float32Array, offset: number, K: number): number {
  let best = 0;
  let bestValue = values[offset]!;
  for (let v = 1; v < K; v++) {
    const x = values[offset + v]!;
    if (x > bestValue) {
      best = v;
      bestValue = x;
    }
  }
  return best;
}

/**
 * Greedy (argmax) depth-autoregressive decoding with the main head, as the engine's
 * `baseline` mode does: L passes, pass l fixes layer l from the logits given layers < l.
 * `mainLogits(tokens int32 [B, C, H, L]) → logits float32 [B, C, H, L, K]`.
 * Returns tokens int32 [B, C, H, L].
 */
export async function greedyDecode(
  cfg: HeadsConfig,
  B: number,
  mainLogits: (tokens: Int32Array) => Float32Array | Promise<Float32Array>,
): Promise<Int32Array> {
  const { L, K } = cfg;
  const rows = B * cfg.C * cfg.H;
  const tokens = new Int32Array(rows * L);
  for (let l = 0; l < L; l++) {
    const logits = await mainLogits(tokens);
    if (logits.length !== rows * L * K)
      throw new RangeError(`mainLogits returned ${logits.length} values, expected ${rows * L * K}`);
    for (let r = 0; r < rows; r++) tokens[r * L + l] = argmaxAt(logits, (r * L + l) * K, K);
  }
  return tokens;
}

/** Argmax of draft logits float32 [B, C, H, k, K] → int32 [B, C, H, k]. */
export function draftArgmax(cfg: HeadsConfig, logits: Float32Array): Int32Array {
  const n = logits.length / cfg.K;
  const out = new Int32Array(n);
  for (let i = 0; i < n; i++) out[i] = argmaxAt(logits, i * cfg.K, cfg.K);
  return out;
}
