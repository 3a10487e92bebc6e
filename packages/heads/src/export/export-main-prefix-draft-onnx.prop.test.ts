import { fc, test } from '@fast-check/vitest';
import * as ort from 'onnxruntime-node';
import { describe, expect, it } from 'vitest';
import { HeadsError } from '../errors/heads-error.ts';
import { applyMask, mainMasks } from '../model/made-masks.ts';
import { mainForward } from '../model/main-forward.ts';
import { arbHeadsConfig } from '../testing/arbitraries.ts';
import { randomHeadWeights } from '../testing/random-head-weights.ts';
import { SeededRandom } from '../testing/seeded-random.ts';
import { exportDraftOnnx } from './export-draft-onnx.ts';
import { exportMainOnnx } from './export-main-onnx.ts';
import { exportMainPrefixDraftOnnx } from './export-main-prefix-draft-onnx.ts';
import { mainWeightsFromOnnx } from './main-weights-from-onnx.ts';

const arbCase = fc.record({
  cfg: arbHeadsConfig(),
  seed: fc.integer({ min: 0, max: 2 ** 31 - 1 }),
  B: fc.integer({ min: 1, max: 3 }),
  kShare: fc.double({ min: 0, max: 1, noNaN: true }),
});

describe('main-prefix draft (the main head\'s own first k layers, decoded in-graph)', () => {
  test.prop([arbCase], { numRuns: 30 })(
    'its logits are main\'s logits of layers < k given its own greedy tokens, and its tokens are main\'s greedy tokens',
    async ({ cfg, seed, B, kShare }) => {
      const k = Math.min(cfg.L, 1 + Math.floor(kShare * cfg.L));
      const { main } = randomHeadWeights(cfg, seed);
      const rng = new SeededRandom(seed + 1);
      const features = rng.floats(B * cfg.F, -2, 2);
      const session = await ort.InferenceSession.create(exportMainPrefixDraftOnnx(cfg, main, k));
      const out = await session.run({ features: new ort.Tensor('float32', features, [B, cfg.F]) });
      await session.release();
      const { C, H, L, K } = cfg;
      const P = C * H;
      expect(out.logits!.dims).toEqual([B, C, H, k, K]);
      const draft = out.logits!.data as Float32Array;
      // reference: greedy decoding over depth with the plain main forward, one full pass per layer
      const tokens = new Int32Array(B * P * L);
      for (let l = 0; l < k; l++) {
        const ref = mainForward(cfg, main, features, tokens, B);
        for (let r = 0; r < B; r++) {
          for (let p = 0; p < P; p++) {
            const d = ((r * P + p) * k + l) * K;
            const m = ((r * P + p) * L + l) * K;
            let best = 0;
            let refBest = 0;
            for (let v = 0; v < K; v++) {
              const err = Math.abs(draft[d + v]! - ref[m + v]!);
              if (!(err <= 1e-4 * (1 + Math.abs(ref[m + v]!)))) expect.fail(`row ${r} position ${p} layer ${l} level ${v}: ${draft[d + v]} vs main ${ref[m + v]}`);
              if (draft[d + v]! > draft[d + best]!) best = v;
              if (ref[m + v]! > ref[m + refBest]!) refBest = v;
            }
            // the same greedy token unless main's top two are within float rounding of each other
            if (best !== refBest) expect(Math.abs(ref[m + best]! - ref[m + refBest]!)).toBeLessThan(1e-4 * (1 + Math.abs(ref[m + refBest]!)));
            tokens[(r * P + p) * L + l] = best; // follow the draft's token so later layers compare like for like
          }
        }
      }
    },
  );

  it('refuses k outside [1, L], naming it', () => {
    const cfg = { F: 3, C: 1, H: 2, L: 3, K: 4, draftLayers: 1, mainWidth: 6, mainDepth: 2, draftWidth: 2, draftDepth: 1 };
    const { main } = randomHeadWeights(cfg, 1);
    expect(() => exportMainPrefixDraftOnnx(cfg, main, 0)).toThrow(/k must be an integer in \[1, L = 3\], got 0/);
    expect(() => exportMainPrefixDraftOnnx(cfg, main, 4)).toThrow(/got 4/);
  });
});

describe('mainWeightsFromOnnx', () => {
  test.prop([fc.record({ cfg: arbHeadsConfig(), seed: fc.integer({ min: 0, max: 2 ** 31 - 1 }) })], { numRuns: 15 })(
    'reads back the config and the masked weights exportMainOnnx wrote',
    ({ cfg, seed }) => {
      const { main } = randomHeadWeights(cfg, seed);
      const read = mainWeightsFromOnnx(exportMainOnnx(cfg, main));
      expect(read.cfg).toEqual(cfg);
      const masks = mainMasks(cfg);
      const masked: Record<string, Float32Array> = { ...main, 'in_tokens.weight': applyMask(main['in_tokens.weight']!, masks.input), 'out.weight': applyMask(main['out.weight']!, masks.output) };
      for (let j = 0; j < cfg.mainDepth - 1; j++) masked[`hidden.${j}.weight`] = applyMask(main[`hidden.${j}.weight`]!, masks.hidden);
      for (const [name, w] of Object.entries(masked)) expect(Array.from(read.weights[name]!), name).toEqual(Array.from(w));
    },
  );

  it('names the file and the missing initializer for a model that is not a main head', () => {
    const cfg = { F: 3, C: 1, H: 2, L: 3, K: 4, draftLayers: 1, mainWidth: 6, mainDepth: 2, draftWidth: 2, draftDepth: 1 };
    const { draft } = randomHeadWeights(cfg, 1);
    const call = () => mainWeightsFromOnnx(exportDraftOnnx(cfg, draft), 'bundle/draft.onnx');
    expect(call).toThrow(HeadsError);
    expect(call).toThrow(/bundle\/draft\.onnx has no initializer "in_features\.weight"/);
    expect(() => mainWeightsFromOnnx(new Uint8Array([1, 2, 3]), 'x/main.onnx')).toThrow(/x\/main\.onnx/);
  });
});
