import type { HeadsConfig } from '../heads-config.ts';
import { dense } from './dense.ts';
import { checkHeadWeights, type MainWeights } from './head-parameters.ts';
import { applyMask, mainMasks } from './made-masks.ts';

/**
 * Reference forward of the main head in plain TypeScript (ARCHITECTURE.md): MADE-masked MLP,
 * causal over depth. The check the TF.js model and the ONNX export are tested against.
 * features: float32 [B, F]; tokens: int [B, C, H, L] with codes in [0, K) →
 * logits: float32 [B, C, H, L, K].
 */
export function mainForward(
  cfg: HeadsConfig,
  weights: MainWeights,
  features: Float32Array,
  tokens: Int32Array | BigInt64Array,
  B: number,
): Float32Array {
  checkHeadWeights(cfg, 'main', weights);
  const { C, H, L, K, F } = cfg;
  const D = cfg.mainWidth;
  const P = C * H;
  const LPK = L * P * K;
  if (!Number.isInteger(B) || B < 1) throw new RangeError(`B must be a positive integer, got ${B}`);
  if (features.length !== B * F)
    throw new RangeError(`features must be [B=${B}, F=${F}], got ${features.length} values`);
  if (tokens.length !== B * P * L)
    throw new RangeError(`tokens must be [B=${B}, C=${C}, H=${H}, L=${L}], got ${tokens.length} values`);
  const masks = mainMasks(cfg);
  const wIn = applyMask(weights['in_tokens.weight']!, masks.input);
  let z = dense(features, B, F, weights['in_features.weight']!, weights['in_features.bias']!, D, false);
  for (let r = 0; r < B; r++) {
    for (let c = 0; c < C; c++) {
      for (let h = 0; h < H; h++) {
        for (let l = 0; l < L; l++) {
          const v = Number(tokens[((r * C + c) * H + h) * L + l]!);
          if (!Number.isInteger(v) || v < 0 || v >= K) throw new RangeError(`tokens must be in [0, ${K}), got ${v}`);
          const col = ((l * C + c) * H + h) * K + v;
          for (let i = 0; i < D; i++) z[r * D + i]! += wIn[i * LPK + col]!;
        }
      }
    }
  }
  for (let i = 0; i < z.length; i++) if (z[i]! < 0) z[i] = 0;
  for (let j = 0; j < cfg.mainDepth - 1; j++) {
    const w = applyMask(weights[`hidden.${j}.weight`]!, masks.hidden);
    z = dense(z, B, D, w, weights[`hidden.${j}.bias`]!, D, true);
  }
  const y = dense(z, B, D, applyMask(weights['out.weight']!, masks.output), weights['out.bias']!, LPK, false);
  const logits = new Float32Array(B * LPK);
  for (let r = 0; r < B; r++) {
    for (let l = 0; l < L; l++) {
      for (let p = 0; p < P; p++) {
        for (let v = 0; v < K; v++) logits[((r * P + p) * L + l) * K + v] = y[r * LPK + (l * P + p) * K + v]!;
      }
    }
  }
  return logits;
}
