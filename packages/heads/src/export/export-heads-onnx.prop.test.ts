import { fc, test } from '@fast-check/vitest';
import * as ort from 'onnxruntime-node';
import { describe, expect } from 'vitest';
import type { HeadsConfig } from '../heads-config.ts';
import { draftForward } from '../model/draft-forward.ts';
import { mainForward } from '../model/main-forward.ts';
import { arbHeadsConfig } from '../testing/arbitraries.ts';
import { randomHeadWeights } from '../testing/random-head-weights.ts';
import { SeededRandom } from '../testing/seeded-random.ts';
import { exportDraftOnnx } from './export-draft-onnx.ts';
import { exportMainOnnx } from './export-main-onnx.ts';

function inputs(cfg: HeadsConfig, B: number, seed: number) {
  const rng = new SeededRandom(seed);
  const features = rng.floats(B * cfg.F, -2, 2);
  const tokens = BigInt64Array.from({ length: B * cfg.C * cfg.H * cfg.L }, () => BigInt(rng.int(cfg.K)));
  return { features, tokens };
}

async function runMain(
  session: ort.InferenceSession,
  cfg: HeadsConfig,
  B: number,
  features: Float32Array,
  tokens: BigInt64Array,
) {
  const out = await session.run({
    features: new ort.Tensor('float32', features, [B, cfg.F]),
    tokens: new ort.Tensor('int64', tokens, [B, cfg.C, cfg.H, cfg.L]),
  });
  expect(out.logits!.dims).toEqual([B, cfg.C, cfg.H, cfg.L, cfg.K]);
  return out.logits!.data as Float32Array;
}

function expectClose(actual: Float32Array, expected: Float32Array, tol = 1e-5): void {
  expect(actual.length).toBe(expected.length);
  for (let i = 0; i < actual.length; i++) {
    const err = Math.abs(actual[i]! - expected[i]!);
    if (!(err <= tol * (1 + Math.abs(expected[i]!)))) expect.fail(`index ${i}: ${actual[i]} vs ${expected[i]}`);
  }
}

const arbCase = fc.record({
  cfg: arbHeadsConfig(),
  seed: fc.integer({ min: 0, max: 2 ** 31 - 1 }),
  B: fc.integer({ min: 1, max: 3 }),
});

describe('ONNX export of the heads', () => {
  test.prop([arbCase], { numRuns: 25 })('draft ONNX equals the reference forward', async ({ cfg, seed, B }) => {
    const { draft } = randomHeadWeights(cfg, seed);
    const { features } = inputs(cfg, B, seed + 1);
    const session = await ort.InferenceSession.create(exportDraftOnnx(cfg, draft));
    const out = await session.run({ features: new ort.Tensor('float32', features, [B, cfg.F]) });
    expect(out.logits!.dims).toEqual([B, cfg.C, cfg.H, cfg.draftLayers, cfg.K]);
    expectClose(out.logits!.data as Float32Array, draftForward(cfg, draft, features, B));
    await session.release();
  });

  test.prop([arbCase], { numRuns: 25 })('main ONNX equals the reference forward', async ({ cfg, seed, B }) => {
    const { main } = randomHeadWeights(cfg, seed);
    const { features, tokens } = inputs(cfg, B, seed + 1);
    const session = await ort.InferenceSession.create(exportMainOnnx(cfg, main));
    expectClose(await runMain(session, cfg, B, features, tokens), mainForward(cfg, main, features, tokens, B));
    await session.release();
  });

  test.prop([arbCase, fc.nat(), fc.integer({ min: 0, max: 2 ** 31 - 1 })], { numRuns: 40 })(
    'main ONNX is causal: changing tokens of layers >= l never changes logits of layers <= l',
    async ({ cfg, seed, B }, lRaw, changeSeed) => {
      const l = lRaw % cfg.L;
      const { main } = randomHeadWeights(cfg, seed);
      const { features, tokens } = inputs(cfg, B, seed + 1);
      const changed = tokens.slice();
      const rng = new SeededRandom(changeSeed);
      for (let i = 0; i < changed.length; i++) if (i % cfg.L >= l) changed[i] = BigInt(rng.int(cfg.K));
      const session = await ort.InferenceSession.create(exportMainOnnx(cfg, main));
      const a = await runMain(session, cfg, B, features, tokens);
      const b = await runMain(session, cfg, B, features, changed);
      await session.release();
      // logits [B, C, H, L, K]: layer of flat index i is floor(i / K) mod L
      for (let i = 0; i < a.length; i++) {
        if (Math.floor(i / cfg.K) % cfg.L <= l && a[i] !== b[i])
          expect.fail(`logit ${i} (layer <= ${l}) changed: ${a[i]} → ${b[i]}`);
      }
    },
  );
});
