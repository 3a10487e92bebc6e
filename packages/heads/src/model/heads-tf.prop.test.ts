import { fc, test } from '@fast-check/vitest';
import { selectTfBackend } from '@rsd/rfsq';
import * as ort from 'onnxruntime-node';
import { beforeAll, describe, expect } from 'vitest';
import { exportDraftOnnx } from '../export/export-draft-onnx.ts';
import { exportMainOnnx } from '../export/export-main-onnx.ts';
import { arbHeadsConfig } from '../testing/arbitraries.ts';
import { randomHeadWeights } from '../testing/random-head-weights.ts';
import { SeededRandom } from '../testing/seeded-random.ts';
import { DraftHeadTf } from './draft-head-tf.ts';
import { applyMask, mainMasks } from './made-masks.ts';
import { MainHeadTf } from './main-head-tf.ts';
import type { Tf } from './tf-dense.ts';

let tf: Tf;
beforeAll(async () => {
  tf = (await selectTfBackend({ log: () => {} })).tf;
});

const arbCase = fc.record({
  cfg: arbHeadsConfig(),
  seed: fc.integer({ min: 0, max: 2 ** 31 - 1 }),
  B: fc.integer({ min: 1, max: 3 }),
});

function expectClose(actual: Float32Array, expected: Float32Array, tol = 1e-5): void {
  expect(actual.length).toBe(expected.length);
  for (let i = 0; i < actual.length; i++) {
    if (!(Math.abs(actual[i]! - expected[i]!) <= tol * (1 + Math.abs(expected[i]!))))
      expect.fail(`index ${i}: ${actual[i]} vs ${expected[i]}`);
  }
}

describe('TF.js heads', () => {
  test.prop([arbCase], { numRuns: 20 })(
    'the exported ONNX equals the TF.js models (1e-5)',
    async ({ cfg, seed, B }) => {
      const w = randomHeadWeights(cfg, seed);
      const rng = new SeededRandom(seed + 1);
      const features = rng.floats(B * cfg.F, -2, 2);
      const tokens = Int32Array.from({ length: B * cfg.C * cfg.H * cfg.L }, () => rng.int(cfg.K));
      const draft = new DraftHeadTf(tf, cfg, w.draft);
      const main = new MainHeadTf(tf, cfg, w.main);
      const f = tf.tensor2d(features, [B, cfg.F]);
      const t = tf.tensor4d(tokens, [B, cfg.C, cfg.H, cfg.L], 'int32');
      const draftTf = draft.apply(f);
      const mainTf = main.apply(f, t);
      expect(draftTf.shape).toEqual([B, cfg.C, cfg.H, cfg.draftLayers, cfg.K]);
      expect(mainTf.shape).toEqual([B, cfg.C, cfg.H, cfg.L, cfg.K]);
      const draftOnnx = await ort.InferenceSession.create(exportDraftOnnx(cfg, draft.weights()));
      const mainOnnx = await ort.InferenceSession.create(exportMainOnnx(cfg, main.weights()));
      const ortFeatures = new ort.Tensor('float32', features, [B, cfg.F]);
      const d = await draftOnnx.run({ features: ortFeatures });
      const m = await mainOnnx.run({
        features: ortFeatures,
        tokens: new ort.Tensor('int64', BigInt64Array.from(tokens, BigInt), [B, cfg.C, cfg.H, cfg.L]),
      });
      expectClose(d.logits!.data as Float32Array, draftTf.dataSync() as Float32Array);
      expectClose(m.logits!.data as Float32Array, mainTf.dataSync() as Float32Array);
      tf.dispose([f, t, draftTf, mainTf]);
      draft.dispose();
      main.dispose();
    },
  );

  test.prop([arbCase, fc.nat(), fc.integer({ min: 0, max: 2 ** 31 - 1 })], { numRuns: 30 })(
    'TF.js main head is causal: changing tokens of layers >= l never changes logits of layers <= l',
    ({ cfg, seed, B }, lRaw, changeSeed) => {
      const l = lRaw % cfg.L;
      const main = new MainHeadTf(tf, cfg, randomHeadWeights(cfg, seed).main);
      const rng = new SeededRandom(seed + 1);
      const features = tf.tensor2d(rng.floats(B * cfg.F, -2, 2), [B, cfg.F]);
      const tokens = Int32Array.from({ length: B * cfg.C * cfg.H * cfg.L }, () => rng.int(cfg.K));
      const changed = tokens.slice();
      const r2 = new SeededRandom(changeSeed);
      for (let i = 0; i < changed.length; i++) if (i % cfg.L >= l) changed[i] = r2.int(cfg.K);
      const run = (tok: Int32Array) =>
        tf.tidy(
          () => main.apply(features, tf.tensor4d(tok, [B, cfg.C, cfg.H, cfg.L], 'int32')).dataSync() as Float32Array,
        );
      const a = run(tokens);
      const b = run(changed);
      features.dispose();
      main.dispose();
      for (let i = 0; i < a.length; i++) {
        if (Math.floor(i / cfg.K) % cfg.L <= l && a[i] !== b[i])
          expect.fail(`logit ${i} (layer <= ${l}) changed: ${a[i]} → ${b[i]}`);
      }
    },
  );

  test.prop([arbCase], { numRuns: 10 })(
    'weights() returns the PyTorch-layout weights it was built from (masked part zeroed)',
    ({ cfg, seed }) => {
      const w = randomHeadWeights(cfg, seed);
      const main = new MainHeadTf(tf, cfg, w.main);
      const draft = new DraftHeadTf(tf, cfg, w.draft);
      const masks = mainMasks(cfg);
      const back = main.weights();
      expect(back['in_features.weight']).toEqual(w.main['in_features.weight']);
      expect(back['in_tokens.weight']).toEqual(applyMask(w.main['in_tokens.weight']!, masks.input));
      expect(back['out.weight']).toEqual(applyMask(w.main['out.weight']!, masks.output));
      expect(draft.weights()).toEqual(w.draft);
      main.dispose();
      draft.dispose();
    },
  );
});
