import { registerWasmTrainingKernels, type BackboneConfig, type HeadsConfig } from '@rsd/heads';
import { randomHeadWeights } from '@rsd/heads/testing';
import { SeededPrng, selectTfBackend } from '@rsd/rfsq';
import { beforeAll, describe, expect, test } from 'vitest';
import type { PolicyDataset } from './policy-dataset.ts';
import { PROPRIO_SIZE } from './train-default-config.ts';
import { trainPolicy, type TrainPolicyOptions } from './train-policy.ts';

const S = 16;
const backbone: BackboneConfig = {
  convs: [{ filters: 4, kernel: 3, stride: 2 }],
  vocabSize: 64,
  maxTokens: 24,
  wordDim: 4,
  hidden: 16,
  imageSize: S,
  proprioSize: PROPRIO_SIZE,
  F: 16,
};
const heads: HeadsConfig = { C: 8, H: 3, L: 4, K: 5, F: 16, draftLayers: 2, mainWidth: 16, mainDepth: 1, draftWidth: 8, draftDepth: 1 };

/** A small dataset of random views, instructions, proprio and tokens (the loss only has to be learnable). */
function dataset(N: number): PolicyDataset {
  const g = new SeededPrng(5);
  const tokW = heads.C * heads.H * heads.L;
  return {
    N,
    imageSize: S,
    images: Uint8Array.from({ length: N * S * S * 3 }, () => Math.floor(g.next() * 256)),
    instructions: Int32Array.from({ length: N * 24 }, (_, i) => (i % 24 < 5 ? 1 + Math.floor(g.next() * 63) : 0)),
    maxTokens: 24,
    proprio: Float32Array.from({ length: N * PROPRIO_SIZE }, () => g.next()),
    tokens: Int32Array.from({ length: N * tokW }, (_, i) => (Math.floor(i / tokW) + (i % 5)) % heads.K),
    taskOf: new Int32Array(N),
  };
}

describe('trainPolicy with a gradient worker (data-parallel on two threads)', () => {
  let tf: Awaited<ReturnType<typeof selectTfBackend>>['tf'];
  beforeAll(async () => {
    const s = await selectTfBackend({ log: () => undefined });
    if (s.backend === 'wasm') registerWasmTrainingKernels(s.tf);
    tf = s.tf;
  });

  const run = (workers: 1 | 2, batchSize: number) => {
    const data = dataset(40);
    const o: TrainPolicyOptions = {
      backbone,
      heads,
      mainInit: randomHeadWeights(heads, 3).main,
      epochs: 2,
      batchSize,
      learningRate: 1e-3,
      shift: 1,
      seed: 1,
      val: [0, 1, 2, 3],
      train: Array.from({ length: 36 }, (_, i) => i + 4),
      workers,
    };
    return trainPolicy(tf, data, o, () => undefined);
  };

  test(
    'takes the same Adam steps as one thread (up to float rounding), deterministically, and odd batches split unevenly',
    { timeout: 120_000 },
    async () => {
      for (const batchSize of [8, 7]) {
        const one = await run(1, batchSize);
        const two = await run(2, batchSize);
        const again = await run(2, batchSize);
        let maxDiff = 0;
        let maxAbs = 0;
        for (const [n, w] of Object.entries(one.main)) {
          const v = two.main[n]!;
          for (let i = 0; i < w.length; i++) {
            maxDiff = Math.max(maxDiff, Math.abs(w[i]! - v[i]!));
            maxAbs = Math.max(maxAbs, Math.abs(w[i]!));
          }
        }
        expect(maxDiff).toBeLessThan(1e-4 * Math.max(1, maxAbs));
        expect(two.history.map((h) => h.trainLoss)).toEqual(one.history.map((h) => expect.closeTo(h.trainLoss, 4)));
        // the run learnt something (the test is not comparing two untrained copies)
        expect(two.history[1]!.trainLoss).toBeLessThan(two.history[0]!.trainLoss);
        expect(again.main).toEqual(two.main);
        expect(again.backbone).toEqual(two.backbone);
      }
    },
  );
});
