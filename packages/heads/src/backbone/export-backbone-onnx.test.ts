import { fc, test } from '@fast-check/vitest';
import { selectTfBackend } from '@rsd/rfsq';
import * as ort from 'onnxruntime-node';
import { beforeAll, describe, expect, it } from 'vitest';
import { SeededRandom } from '../testing/seeded-random.ts';
import type { BackboneConfig } from './backbone-config.ts';
import { backboneParameterShapes, initBackboneWeights } from './backbone-weights.ts';
import { exportBackboneOnnx } from './export-backbone-onnx.ts';
import { backboneForward } from './tf-backbone.ts';

type Tf = Awaited<ReturnType<typeof selectTfBackend>>['tf'];
let tf: Tf;
beforeAll(async () => {
  tf = (await selectTfBackend({ prefer: 'cpu', log: () => {} })).tf;
});

const arbConfig: fc.Arbitrary<BackboneConfig> = fc.record({
  imageSize: fc.integer({ min: 5, max: 14 }),
  convs: fc.array(
    fc.record({ filters: fc.integer({ min: 1, max: 4 }), kernel: fc.integer({ min: 1, max: 4 }), stride: fc.integer({ min: 1, max: 2 }) }),
    { minLength: 0, maxLength: 3 },
  ),
  vocabSize: fc.integer({ min: 2, max: 40 }),
  maxTokens: fc.integer({ min: 1, max: 6 }),
  wordDim: fc.integer({ min: 1, max: 5 }),
  proprioSize: fc.integer({ min: 0, max: 4 }),
  hidden: fc.integer({ min: 1, max: 8 }),
  F: fc.integer({ min: 1, max: 8 }),
});

function inputs(cfg: BackboneConfig, B: number, seed: number) {
  const rng = new SeededRandom(seed);
  const S = cfg.imageSize;
  const image = Uint8Array.from({ length: B * S * S * 3 }, () => rng.int(256));
  const ids = Int32Array.from({ length: B * cfg.maxTokens }, () => rng.int(cfg.vocabSize));
  const proprio = rng.floats(B * cfg.proprioSize, -1, 1);
  return { image, ids, proprio };
}

async function onnxFeatures(cfg: BackboneConfig, seed: number, B: number) {
  const weights = initBackboneWeights(cfg, seed);
  const session = await ort.InferenceSession.create(exportBackboneOnnx(cfg, weights));
  const { image, ids, proprio } = inputs(cfg, B, seed + 1);
  const feeds: Record<string, ort.Tensor> = {
    image: new ort.Tensor('uint8', image, [B, cfg.imageSize, cfg.imageSize, 3]),
    instruction: new ort.Tensor('int64', BigInt64Array.from(ids, (v) => BigInt(v)), [B, cfg.maxTokens]),
  };
  if (cfg.proprioSize > 0) feeds.proprio = new ort.Tensor('float32', proprio, [B, cfg.proprioSize]);
  const out = (await session.run(feeds)).features!.data as Float32Array;
  await session.release();
  return { out, weights, image, ids, proprio };
}

describe('backbone: ONNX export equals the TF.js forward', () => {
  test.prop([arbConfig, fc.integer({ min: 1, max: 3 }), fc.integer({ min: 0, max: 10_000 })], { numRuns: 30 })(
    'random configs and weights (1e-4 of the output scale: float32 sums in another order)',
    async (cfg, B, seed) => {
      const { out, weights, image, ids, proprio } = await onnxFeatures(cfg, seed, B);
      const ref = tf.tidy(() => {
        const params = Object.fromEntries(backboneParameterShapes(cfg).map(([n, s]) => [n, tf.tensor(weights[n]!, s)]));
        return backboneForward(tf, cfg, params, {
          image: tf.tensor4d(Int32Array.from(image), [B, cfg.imageSize, cfg.imageSize, 3], 'int32'),
          instruction: tf.tensor2d(ids, [B, cfg.maxTokens], 'int32'),
          ...(cfg.proprioSize > 0 ? { proprio: tf.tensor2d(proprio, [B, cfg.proprioSize]) } : {}),
        }).dataSync();
      });
      expect(out.length).toBe(B * cfg.F);
      const scale = Math.max(1e-3, ...Array.from(ref, Math.abs));
      out.forEach((v, i) => expect(Math.abs(v - ref[i]!) / scale).toBeLessThan(1e-4));
    },
  );

  // the teacher's trunk: GroupNorm after every conv but the last, spatial-softmax keypoints, ReLU features
  const arbKeypointConfig: fc.Arbitrary<BackboneConfig> = fc
    .record({
      imageSize: fc.integer({ min: 4, max: 12 }),
      groups: fc.integer({ min: 1, max: 3 }),
      perGroup: fc.array(fc.integer({ min: 1, max: 2 }), { minLength: 1, maxLength: 3 }),
      kernel: fc.integer({ min: 1, max: 3 }),
      stride: fc.integer({ min: 1, max: 2 }),
      keypointWidth: fc.integer({ min: 1, max: 6 }),
      proprioSize: fc.integer({ min: 0, max: 3 }),
      relu: fc.boolean(),
    })
    .map((r) => ({
      imageSize: r.imageSize,
      convs: r.perGroup.map((m) => ({ filters: m * r.groups, kernel: r.kernel, stride: r.stride })),
      norm: { groups: r.groups },
      pooling: 'spatial-softmax' as const,
      keypointWidth: r.keypointWidth,
      featureActivation: r.relu ? ('relu' as const) : ('linear' as const),
      vocabSize: 12,
      maxTokens: 3,
      wordDim: 2,
      proprioSize: r.proprioSize,
      hidden: 5,
      F: 4,
    }));
  test.prop([arbKeypointConfig, fc.integer({ min: 1, max: 3 }), fc.integer({ min: 0, max: 10_000 })], { numRuns: 25 })(
    'GroupNorm + spatial softmax configs, random norm scales and shifts',
    async (cfg, B, seed) => {
      const weights = initBackboneWeights(cfg, seed);
      const rng = new SeededRandom(seed + 7);
      for (const k of Object.keys(weights)) if (k.startsWith('norm.')) weights[k] = rng.floats(weights[k]!.length, 0.5, 1.5);
      const session = await ort.InferenceSession.create(exportBackboneOnnx(cfg, weights));
      const { image, ids, proprio } = inputs(cfg, B, seed + 1);
      const feeds: Record<string, ort.Tensor> = {
        image: new ort.Tensor('uint8', image, [B, cfg.imageSize, cfg.imageSize, 3]),
        instruction: new ort.Tensor('int64', BigInt64Array.from(ids, (v) => BigInt(v)), [B, cfg.maxTokens]),
      };
      if (cfg.proprioSize > 0) feeds.proprio = new ort.Tensor('float32', proprio, [B, cfg.proprioSize]);
      const out = (await session.run(feeds)).features!.data as Float32Array;
      await session.release();
      const ref = tf.tidy(() => {
        const params = Object.fromEntries(backboneParameterShapes(cfg).map(([n, s]) => [n, tf.tensor(weights[n]!, s)]));
        return backboneForward(tf, cfg, params, {
          image: tf.tensor4d(Int32Array.from(image), [B, cfg.imageSize, cfg.imageSize, 3], 'int32'),
          instruction: tf.tensor2d(ids, [B, cfg.maxTokens], 'int32'),
          ...(cfg.proprioSize > 0 ? { proprio: tf.tensor2d(proprio, [B, cfg.proprioSize]) } : {}),
        }).dataSync();
      });
      expect(out.length).toBe(B * cfg.F);
      const scale = Math.max(1e-3, ...Array.from(ref, Math.abs));
      out.forEach((v, i) => expect(Math.abs(v - ref[i]!) / scale).toBeLessThan(2e-4));
      if (cfg.featureActivation === 'relu') expect(Math.min(...out)).toBeGreaterThanOrEqual(0);
    },
  );

  it('padding words change nothing, real words do', async () => {
    const cfg: BackboneConfig = { imageSize: 6, convs: [{ filters: 2, kernel: 3, stride: 2 }], vocabSize: 10, maxTokens: 4, wordDim: 3, proprioSize: 0, hidden: 5, F: 4 };
    const weights = initBackboneWeights(cfg, 3);
    weights['out.bias']!.fill(0.1);
    const session = await ort.InferenceSession.create(exportBackboneOnnx(cfg, weights));
    const run = async (ids: number[]) =>
      Array.from(
        (await session.run({
          image: new ort.Tensor('uint8', new Uint8Array(6 * 6 * 3).fill(100), [1, 6, 6, 3]),
          instruction: new ort.Tensor('int64', BigInt64Array.from(ids, BigInt), [1, 4]),
        })).features!.data as Float32Array,
      );
    expect(await run([3, 0, 0, 0])).toEqual(await run([3, 0, 0, 0]));
    expect(await run([3, 5, 0, 0])).not.toEqual(await run([3, 0, 0, 0]));
    expect(await run([0, 3, 0, 0])).toEqual(await run([3, 0, 0, 0]));
  });
});
