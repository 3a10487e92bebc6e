import * as ort from 'onnxruntime-node';
import { exportMainOnnx } from '../export/export-main-onnx.ts';
import type { HeadsConfig } from '../heads-config.ts';
import type { MainWeights } from '../model/head-parameters.ts';
import { greedyDecode } from './greedy-decode.ts';
import { gatherRows, minibatches } from './minibatches.ts';

/** What the draft is distilled towards, for every sample. */
export interface DistillationTargets {
  /** int32 [N, C, H, L]: the main head's greedy tokens (baseline's output). */
  readonly greedy: Int32Array;
  /** int32 [N, C, H, k]: the first k layers of `greedy`. */
  readonly draftTokens: Int32Array;
  /** float32 [N, C, H, k, K]: main's softmax at each greedy step of layers < k. */
  readonly softTargets: Float32Array;
}

/**
 * Greedy-decodes every sample with the main head (L passes per minibatch) and keeps main's
 * softmax at each greedy step: the last pass sees the whole greedy prefix, so by causality its
 * layers < k are exactly the logits each greedy step used. The passes run the exported
 * `main.onnx` in ONNX Runtime (one thread), the graph and runtime the engine's `baseline` mode
 * uses, so the draft is distilled towards exactly the tokens it will be checked against, and
 * ~100× faster than the same passes in TF.js on wasm. features: float32 [N, F].
 */
export async function distillationTargets(
  cfg: HeadsConfig,
  mainWeights: MainWeights,
  features: Float32Array,
  N: number,
): Promise<DistillationTargets> {
  const { C, H, L, K, F } = cfg;
  const P = C * H;
  const k = cfg.draftLayers;
  const greedy = new Int32Array(N * P * L);
  const softTargets = new Float32Array(N * P * k * K);
  const all = Array.from({ length: N }, (_, i) => i);
  const session = await ort.InferenceSession.create(exportMainOnnx(cfg, mainWeights), {
    intraOpNumThreads: 1,
    graphOptimizationLevel: 'all',
  });
  try {
    for (const rows of minibatches(all, 256)) {
      const f = new ort.Tensor(
        'float32',
        gatherRows(features, F, rows, (n) => new Float32Array(n)),
        [rows.length, F],
      );
      let last: Float32Array = new Float32Array(0);
      const tokens = await greedyDecode(cfg, rows.length, async (tok) => {
        const t = new ort.Tensor(
          'int64',
          BigInt64Array.from(tok, (v) => BigInt(v)),
          [rows.length, C, H, L],
        );
        last = (await session.run({ features: f, tokens: t }))['logits']!.data as Float32Array;
        return last;
      });
      rows.forEach((r, i) => {
        greedy.set(tokens.subarray(i * P * L, (i + 1) * P * L), r * P * L);
        for (let p = 0; p < P; p++) {
          for (let j = 0; j < k; j++) {
            const src = ((i * P + p) * L + j) * K;
            const dst = ((r * P + p) * k + j) * K;
            let max = -Infinity;
            for (let v = 0; v < K; v++) max = Math.max(max, last[src + v]!);
            let z = 0;
            for (let v = 0; v < K; v++) z += Math.exp(last[src + v]! - max);
            for (let v = 0; v < K; v++) softTargets[dst + v] = Math.exp(last[src + v]! - max) / z;
          }
        }
      });
    }
  } finally {
    await session.release();
  }
  const draftTokens = new Int32Array(N * P * k);
  for (let i = 0; i < N * P; i++) for (let j = 0; j < k; j++) draftTokens[i * k + j] = greedy[i * L + j]!;
  return { greedy, draftTokens, softTargets };
}
