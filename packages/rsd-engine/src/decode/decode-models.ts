/**
 * The two heads as the decoder sees them: ONNX Runtime sessions in the engine, plain
 * TypeScript forwards in tests. Both run the whole batch in one call.
 */
export interface DecodeModels {
  /** Token grid: C steps × H latent dims, L residual layers, K codes. */
  readonly C: number;
  readonly H: number;
  readonly L: number;
  readonly K: number;
  /** Layers the draft model proposes (its output's 4th dim), 1..L; 0 when there is no draft. */
  readonly draftModelLayers: number;
  /** features: float32 [B, F] → draft logits float32 [B, C, H, draftModelLayers, K]. Absent without a draft model. */
  readonly draft?: (features: Float32Array, B: number) => Promise<Float32Array>;
  /** features: float32 [B, F], tokens: int64 [B, C, H, L] → main logits float32 [B, C, H, L, K]. */
  main(features: Float32Array, tokens: BigInt64Array, B: number): Promise<Float32Array>;
}
