import type { RfsqConfig } from './rfsq-config.ts';
import { fsqCode, fsqLevel } from './fsq-quantizer.ts';

/**
 * The residual stack over `L` layers. Layer `l` quantizes its residual `r_l` after a FIXED
 * affine normalisation `u = (r_l − shift_l) / scale_l`, adds back `q_l = scale_l · level(code) +
 * shift_l`, and passes `r_{l+1} = r_l − q_l` on. Naive RFSQ is the case `scale = 1, shift = 0`;
 * robust RFSQ uses scales and shifts frozen after training. Decoding
 * `ẑ = Σ_l (scale_l · level(code_l) + shift_l)` is a pure function of the tokens.
 */
export interface ResidualLayerNorm {
  /** float [L]: residual scale of each layer (all 1 for naive). */
  readonly layerScales: readonly number[];
  /** float [L]: residual shift of each layer (all 0 for naive). */
  readonly layerShifts: readonly number[];
}

/** Everything {@link residualQuantize} computes; `residuals` is only filled when asked for. */
export interface ResidualQuantization {
  /** int32 [B, C, H, L]. */
  readonly tokens: Int32Array;
  /** float32 [L, B, C, H]: the residual entering each layer (`r_0 = z`). */
  readonly residuals?: Float32Array;
}

function checkNorm(config: RfsqConfig, norm: ResidualLayerNorm): void {
  if (norm.layerScales.length !== config.L || norm.layerShifts.length !== config.L) {
    throw new RangeError(`layerScales/layerShifts must have L = ${config.L} entries`);
  }
}

/**
 * Quantizes latents through the residual stack, in float32 like the ONNX graph.
 * z: float32 [B, C, H] → tokens int32 [B, C, H, L].
 */
export function residualQuantize(
  z: Float32Array,
  config: RfsqConfig,
  norm: ResidualLayerNorm,
  options: { keepResiduals?: boolean } = {},
): ResidualQuantization {
  checkNorm(config, norm);
  const { C, H, L, levels } = config;
  const P = C * H;
  if (z.length % P !== 0) throw new RangeError(`z has ${z.length} values, not a multiple of C·H = ${P}`);
  const B = z.length / P;
  const tokens = new Int32Array(B * P * L);
  const residuals = options.keepResiduals ? new Float32Array(L * B * P) : undefined;
  const r = Float32Array.from(z);
  for (let l = 0; l < L; l++) {
    const s = Math.fround(norm.layerScales[l]!);
    const inv = Math.fround(1 / s);
    const m = Math.fround(norm.layerShifts[l]!);
    if (residuals) residuals.set(r, l * B * P);
    for (let i = 0; i < B * P; i++) {
      const K = levels[i % H]!;
      const u = Math.fround(Math.fround(r[i]! - m) * inv);
      const code = fsqCode(u, K);
      tokens[i * L + l] = code;
      const q = Math.fround(Math.fround(Math.fround(fsqLevel(code, K)) * s) + m);
      r[i] = r[i]! - q;
    }
  }
  return residuals ? { tokens, residuals } : { tokens };
}

/**
 * Sums the dequantized layers: tokens int32 [B, C, H, L] → ẑ float32 [B, C, H].
 * `layers` (default L) keeps only the first `layers` residual layers (coarse-to-fine decoding).
 */
export function residualDequantize(
  tokens: Int32Array,
  config: RfsqConfig,
  norm: ResidualLayerNorm,
  layers = config.L,
): Float32Array {
  checkNorm(config, norm);
  const { C, H, L, levels } = config;
  if (!Number.isInteger(layers) || layers < 0 || layers > L) throw new RangeError(`layers must be in [0, ${L}], got ${layers}`);
  const P = C * H;
  if (tokens.length % (P * L) !== 0) throw new RangeError(`tokens has ${tokens.length} values, not a multiple of C·H·L = ${P * L}`);
  const n = tokens.length / L;
  const out = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    const K = levels[i % H]!;
    let acc = 0;
    for (let l = 0; l < layers; l++) {
      const c = tokens[i * L + l]!;
      if (!Number.isInteger(c) || c < 0 || c >= K) {
        throw new RangeError(`tokens[${i * L + l}] = ${c} is outside [0, ${K}) (position ${i}, layer ${l})`);
      }
      acc += Math.fround(fsqLevel(c, K)) * Math.fround(norm.layerScales[l]!) + Math.fround(norm.layerShifts[l]!);
    }
    out[i] = acc;
  }
  return out;
}
