import { denormalizeActions, normalizeActions } from './action-normalization.ts';
import { mlpForward } from './dense-layer.ts';
import type { RfsqConfig } from './rfsq-config.ts';
import type { RfsqParams } from './rfsq-params.ts';
import { validateRfsqParams } from './rfsq-params.ts';
import { residualDequantize, residualQuantize } from './residual-fsq.ts';

/**
 * The tokenizer in plain TypeScript: computes what `rfsq_encoder.onnx` / `rfsq_decoder.onnx`
 * compute (to float32 rounding), without TensorFlow.js or ONNX Runtime.
 */
export class RfsqTokenizer {
  readonly config: RfsqConfig;

  constructor(readonly params: RfsqParams) {
    validateRfsqParams(params);
    this.config = params.config;
  }

  private batchOf(length: number, per: number, what: string): number {
    if (length % per !== 0) throw new RangeError(`${what} has ${length} values, not a multiple of ${per}`);
    return length / per;
  }

  /** actions: float32 [B, C, A] (env units) → z float32 [B, C, H] (pre-quantization latent, in [-1, 1]). */
  encodeLatent(actions: Float32Array): Float32Array {
    const { C, A } = this.config;
    this.batchOf(actions.length, C * A, 'actions');
    return mlpForward(normalizeActions(actions, this.params.actionNormalization), this.params.encoder, 'tanh');
  }

  /** actions: float32 [B, C, A] (env units) → tokens int32 [B, C, H, L]. */
  encode(actions: Float32Array): Int32Array {
    return residualQuantize(this.encodeLatent(actions), this.config, this.params).tokens;
  }

  /** tokens: int32 [B, C, H, L] → ẑ float32 [B, C, H] using the first `layers` layers (default all). */
  dequantize(tokens: Int32Array, layers = this.config.L): Float32Array {
    const { C, H, L } = this.config;
    this.batchOf(tokens.length, C * H * L, 'tokens');
    return residualDequantize(tokens, this.config, this.params, layers);
  }

  /** ẑ: float32 [B, C, H] → actions float32 [B, C, A] in normalised units ([-1, 1] on the data's bulk). */
  decodeLatentNormalized(zHat: Float32Array): Float32Array {
    const { C, H } = this.config;
    this.batchOf(zHat.length, C * H, 'zHat');
    return mlpForward(zHat, this.params.decoder, 'linear');
  }

  /** tokens: int32 [B, C, H, L] → actions float32 [B, C, A] in env units, from the first `layers` layers. */
  decode(tokens: Int32Array, layers = this.config.L): Float32Array {
    return denormalizeActions(this.decodeLatentNormalized(this.dequantize(tokens, layers)), this.params.actionNormalization);
  }
}
