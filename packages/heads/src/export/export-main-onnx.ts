import { OnnxGraphBuilder, attrFloat } from '@rsd/rfsq';
import type { HeadsConfig } from '../heads-config.ts';
import { checkHeadWeights, type MainWeights } from '../model/head-parameters.ts';
import { applyMask, mainMasks } from '../model/made-masks.ts';
import { HEADS_ONNX_OPSET } from './onnx-opset.ts';

/**
 * The main head as an ONNX model (opset 17, dynamic batch `B`), masks multiplied into the
 * weights so masked positions are exactly zero:
 * `features` float32 [B, F], `tokens` int64 [B, C, H, L] (codes in [0, K)) →
 * `logits` float32 [B, C, H, L, K], causal over depth.
 *
 * Graph: Transpose(tokens → [B,L,C,H]) → OneHot(K) → Reshape [B, L·P·K] → Gemm(in_tokens)
 * + Gemm(in_features) → Relu → (Gemm → Relu)×(mainDepth−1) → Gemm(out) →
 * Reshape [B,L,C,H,K] → Transpose [B,C,H,L,K].
 */
export function exportMainOnnx(
  cfg: HeadsConfig,
  weights: MainWeights,
  options: { metadata?: Record<string, string> } = {},
): Uint8Array {
  checkHeadWeights(cfg, 'main', weights);
  const { C, H, L, K, F } = cfg;
  const D = cfg.mainWidth;
  const LPK = L * C * H * K;
  const masks = mainMasks(cfg);
  const g = new OnnxGraphBuilder('rsd_main_head', HEADS_ONNX_OPSET);
  const features = g.input('features', 'float32', ['B', F]);
  const tokens = g.input('tokens', 'int64', ['B', C, H, L]);
  const gemm = (input: string, name: string, rows: number, cols: number, w: Float32Array, bias: boolean): string => {
    const wName = g.initializer(`${name}.weight`, 'float32', [rows, cols], w);
    const inputs = [input, wName];
    if (bias) inputs.push(g.initializer(`${name}.bias`, 'float32', [rows], weights[`${name}.bias`]!));
    return g.op('Gemm', inputs, { transB: 1, alpha: attrFloat(1), beta: attrFloat(1) });
  };
  const residualMajor = g.op('Transpose', [tokens], { perm: [0, 3, 1, 2] });
  const oneHot = g.op('OneHot', [residualMajor, g.constInt64([K], []), g.constFloat([0, 1])], { axis: -1 });
  const flat = g.op('Reshape', [oneHot, g.constInt64([0, LPK])]);
  const fromTokens = gemm(flat, 'in_tokens', D, LPK, applyMask(weights['in_tokens.weight']!, masks.input), false);
  const fromFeatures = gemm(features, 'in_features', D, F, weights['in_features.weight']!, true);
  let z = g.op('Relu', [g.op('Add', [fromFeatures, fromTokens])]);
  for (let i = 0; i < cfg.mainDepth - 1; i++) {
    z = g.op('Relu', [gemm(z, `hidden.${i}`, D, D, applyMask(weights[`hidden.${i}.weight`]!, masks.hidden), true)]);
  }
  const y = gemm(z, 'out', LPK, D, applyMask(weights['out.weight']!, masks.output), true);
  const byLayer = g.op('Reshape', [y, g.constInt64([0, L, C, H, K])]);
  g.op('Transpose', [byLayer], { perm: [0, 2, 3, 1, 4] }, 'logits');
  g.output('logits', 'float32', ['B', C, H, L, K]);
  return g.build({
    producer: '@rsd/heads export-main-onnx',
    docString: 'RSD main head (MADE-masked, causal over depth): features [B,F], tokens [B,C,H,L] -> logits [B,C,H,L,K]',
    metadata: { 'rsd.head': 'main', 'rsd.config': JSON.stringify(cfg), ...options.metadata },
  });
}
