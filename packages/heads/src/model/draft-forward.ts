import type { HeadsConfig } from '../heads-config.ts';
import { dense } from './dense.ts';
import { checkHeadWeights, type DraftWeights } from './head-parameters.ts';

/**
 * Reference forward of the draft head in plain TypeScript (ARCHITECTURE.md), the check the
 * TF.js model and the ONNX export are tested against.
 * features: float32 [B, F] → logits: float32 [B, C, H, k, K].
 */
export function draftForward(cfg: HeadsConfig, weights: DraftWeights, features: Float32Array, B: number): Float32Array {
  checkHeadWeights(cfg, 'draft', weights);
  if (!Number.isInteger(B) || B < 1) throw new RangeError(`B must be a positive integer, got ${B}`);
  if (features.length !== B * cfg.F)
    throw new RangeError(`features must be [B=${B}, F=${cfg.F}], got ${features.length} values`);
  let x: Float64Array | Float32Array = features;
  let width = cfg.F;
  for (let i = 0; i < cfg.draftDepth; i++) {
    x = dense(x, B, width, weights[`blocks.${i}.weight`]!, weights[`blocks.${i}.bias`]!, cfg.draftWidth, true);
    width = cfg.draftWidth;
  }
  const out = cfg.C * cfg.H * cfg.draftLayers * cfg.K;
  // flat index ((c·H+h)·k+l)·K+v is already the [C, H, k, K] layout
  return Float32Array.from(dense(x, B, width, weights['out.weight']!, weights['out.bias']!, out, false));
}
