import { exportDraftOnnx, exportMainOnnx, mainParameterSpecs, draftParameterSpecs, writeBundle, type BundleDims, type HeadsConfig } from '@rsd/heads';
import { exportTestBackboneOnnx, SeededRandom } from '@rsd/heads/testing';
import { exportRfsqOnnx } from '@rsd/rfsq';
import { randomRfsqParams } from '@rsd/rfsq/testing';

/**
 * A bundle whose main head ignores its inputs (all weights 0, random `out.bias`), so main's
 * greedy tokens are argmax(bias) at every (position, layer), and whose draft proposes those
 * tokens (as logits `4·onehot`) except where `edit(pos, l, token)` changes them. Lets ONNX
 * tests reach every acceptance path on purpose. Returns main's greedy tokens [C, H, L].
 */
export async function writeCraftedBundle(
  dir: string,
  dims: BundleDims,
  seed: number,
  edit: (pos: number, l: number, token: number) => number = (_p, _l, t) => t,
): Promise<{ greedy: Int32Array }> {
  const { C, H, L, K, F, k } = dims;
  const P = C * H;
  const cfg: HeadsConfig = { F, C, H, L, K, draftLayers: k, mainWidth: 4, mainDepth: 1, draftWidth: 1, draftDepth: 0 };
  const rng = new SeededRandom(seed);
  const zeros = (specs: { name: string; shape: readonly number[] }[]) =>
    Object.fromEntries(specs.map((s) => [s.name, new Float32Array(s.shape.reduce((a, b) => a * b, 1))]));
  const main = zeros(mainParameterSpecs(cfg));
  const bias = main['out.bias']!; // [L, C, H, K] flat ((l·C + c)·H + h)·K + v
  for (let i = 0; i < bias.length; i++) bias[i] = rng.uniform(-2, 2);
  const greedy = new Int32Array(P * L);
  for (let l = 0; l < L; l++) {
    for (let pos = 0; pos < P; pos++) {
      const off = (l * P + pos) * K;
      let best = 0;
      for (let v = 1; v < K; v++) if (bias[off + v]! > bias[off + best]!) best = v;
      greedy[pos * L + l] = best;
    }
  }
  const draft = zeros(draftParameterSpecs(cfg));
  const dbias = draft['out.bias']!; // [C, H, k, K] flat ((pos·k + l)·K + v)
  for (let pos = 0; pos < P; pos++) for (let l = 0; l < k; l++) dbias[(pos * k + l) * K + edit(pos, l, greedy[pos * L + l]!)] = 4;
  const rfsq = randomRfsqParams({ C, A: dims.A, H, L, K, variant: 'robust', hidden: [8] }, seed);
  const { encoder, decoder } = exportRfsqOnnx(rfsq);
  const backbone = { image: { height: 4, width: 4 }, instruction: { kind: 'hashed-words', vocabSize: 16, maxTokens: 4 } } as const;
  await writeBundle(
    dir,
    {
      name: `crafted-${seed}`,
      dims,
      actionNormalization: rfsq.actionNormalization,
      tokenizer: { variant: 'robust', layerScales: [...rfsq.layerScales], layerShifts: [...rfsq.layerShifts] },
      backbone,
      provenance: { generator: '@rsd/rsd-engine test/crafted-bundle', seed },
      models: {
        'backbone.onnx': exportTestBackboneOnnx(backbone, F, seed),
        'draft.onnx': exportDraftOnnx(cfg, draft),
        'main.onnx': exportMainOnnx(cfg, main),
        'rfsq_encoder.onnx': encoder,
        'rfsq_decoder.onnx': decoder,
      },
    },
    { overwrite: true },
  );
  return { greedy };
}
