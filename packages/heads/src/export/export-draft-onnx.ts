import { OnnxGraphBuilder, attrFloat } from '@rsd/rfsq';
import type { HeadsConfig } from '../heads-config.ts';
import { checkHeadWeights, type DraftWeights } from '../model/head-parameters.ts';
import { HEADS_ONNX_OPSET } from './onnx-opset.ts';

/**
 * The draft head as an ONNX model (opset 17, dynamic batch `B`):
 * `features` float32 [B, F] → `logits` float32 [B, C, H, k, K].
 * Gemm(+Relu) per block, one Gemm for the output, one Reshape.
 */
export function exportDraftOnnx(
  cfg: HeadsConfig,
  weights: DraftWeights,
  options: { metadata?: Record<string, string> } = {},
): Uint8Array {
  checkHeadWeights(cfg, 'draft', weights);
  const g = new OnnxGraphBuilder('rsd_draft_head', HEADS_ONNX_OPSET);
  let x = g.input('features', 'float32', ['B', cfg.F]);
  let width = cfg.F;
  const gemm = (input: string, name: string, rows: number, cols: number): string => {
    const w = g.initializer(`${name}.weight`, 'float32', [rows, cols], weights[`${name}.weight`]!);
    const b = g.initializer(`${name}.bias`, 'float32', [rows], weights[`${name}.bias`]!);
    return g.op('Gemm', [input, w, b], { transB: 1, alpha: attrFloat(1), beta: attrFloat(1) });
  };
  for (let i = 0; i < cfg.draftDepth; i++) {
    x = g.op('Relu', [gemm(x, `blocks.${i}`, cfg.draftWidth, width)]);
    width = cfg.draftWidth;
  }
  const { C, H, K } = cfg;
  const k = cfg.draftLayers;
  const y = gemm(x, 'out', C * H * k * K, width);
  g.op('Reshape', [y, g.constInt64([0, C, H, k, K])], {}, 'logits');
  g.output('logits', 'float32', ['B', C, H, k, K]);
  return g.build({
    producer: '@rsd/heads export-draft-onnx',
    docString: 'RSD draft head: features [B,F] -> logits [B,C,H,k,K] (ARCHITECTURE.md)',
    metadata: { 'rsd.head': 'draft', 'rsd.config': JSON.stringify(cfg), ...options.metadata },
  });
}
