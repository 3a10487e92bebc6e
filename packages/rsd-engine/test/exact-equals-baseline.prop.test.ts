import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fc, test } from '@fast-check/vitest';
import { SeededRandom, writeRandomBundle } from '@rsd/heads/testing';
import * as ort from 'onnxruntime-node';
import { afterAll, beforeAll, describe, expect } from 'vitest';
import { loadEngine } from '../src/index.ts';
import { argmaxAt } from '../src/decode/logits-math.ts';

let root: string;
let counter = 0;
beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'rsd-engine-prop-'));
});
afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

const arbDims = fc
  .record({
    C: fc.integer({ min: 1, max: 3 }),
    A: fc.integer({ min: 1, max: 4 }),
    H: fc.integer({ min: 1, max: 3 }),
    L: fc.integer({ min: 1, max: 5 }),
    K: fc.integer({ min: 2, max: 6 }),
    F: fc.integer({ min: 1, max: 8 }),
  })
  .chain((d) => fc.integer({ min: 1, max: d.L }).map((k) => ({ ...d, k })));

const arbCase = fc.record({
  dims: arbDims,
  seed: fc.integer({ min: 0, max: 2 ** 30 }),
  B: fc.integer({ min: 1, max: 4 }),
  mainWidth: fc.integer({ min: 4, max: 24 }),
});

const quiet = { log: () => {}, executionProviders: ['cpu'] as const };

describe('the engine on random-weight bundles of random shapes (ONNX Runtime)', () => {
  test.prop([arbCase], { numRuns: 20 })(
    'exact RSD tokens and actions are bit-identical to baseline for every k in 1..L; main passes follow L − a / 1 + L − min(k+1, L)',
    async ({ dims, seed, B, mainWidth }) => {
      const dir = join(root, `b${counter++}`);
      // the draft model proposes all L layers so every k in 1..L can be asked for
      const bundle = await writeRandomBundle(dir, { dims: { ...dims, k: dims.L }, seed, heads: { mainWidth } });
      const engine = await loadEngine(bundle.dir, { ...quiet, executionProviders: ['cpu'] });
      try {
        const features = new SeededRandom(seed + 3).floats(B * dims.F, -3, 3);
        const base = await engine.predictFromFeatures(features, B, { mode: 'baseline', acceptance: { kind: 'exact' } });
        expect(base.stats.mainPasses).toBe(dims.L);
        for (let k = 1; k <= dims.L; k++) {
          const r = await engine.predictFromFeatures(features, B, { mode: 'rsd', acceptance: { kind: 'exact' }, draftLayers: k });
          expect(r.tokens).toEqual(base.tokens);
          expect(r.actions).toEqual(base.actions);
          r.stats.acceptedLayers.forEach((a, b) => {
            expect(r.stats.itemMainPasses[b]).toBe(a < k ? dims.L - a : 1 + dims.L - Math.min(k + 1, dims.L));
          });
          expect(r.stats.mainPasses).toBe(Math.max(...r.stats.itemMainPasses));
          expect(r.stats.draftPasses).toBe(1);
        }
      } finally {
        await engine.close();
      }
    },
  );

  test.prop([arbCase, fc.integer({ min: 0, max: 2 })], { numRuns: 12 })(
    'relaxed: every token within tolerance(l) of main.onnx argmax given the same prefix; allowance = t·step·scale',
    async ({ dims, seed, B, mainWidth }, tol) => {
      const dir = join(root, `r${counter++}`);
      const bundle = await writeRandomBundle(dir, { dims, seed, heads: { mainWidth } });
      const engine = await loadEngine(bundle.dir, quiet);
      const main = await ort.InferenceSession.create(join(dir, 'main.onnx'));
      try {
        const features = new SeededRandom(seed + 3).floats(B * dims.F, -3, 3);
        const r = await engine.predictFromFeatures(features, B, { mode: 'rsd', acceptance: { kind: 'relaxed', tolerance: tol } });
        const { C, H, L, K, k } = dims;
        const out = await main.run({
          features: new ort.Tensor('float32', features, [B, dims.F]),
          tokens: new ort.Tensor('int64', BigInt64Array.from(r.tokens, (t) => BigInt(t)), [B, C, H, L]),
        });
        const logits = out.logits!.data as Float32Array;
        for (let i = 0; i < r.tokens.length; i++) {
          const bound = i % L < k ? tol : 0;
          const m = argmaxAt(logits, i * K, K);
          if (Math.abs(r.tokens[i]! - m) > bound) expect.fail(`token ${i}: ${r.tokens[i]} vs argmax ${m}, tolerance ${bound}`);
        }
        const step = 2 / (K - 1);
        expect(r.stats.relaxedAllowance).toEqual(bundle.manifest.tokenizer.layerScales.map((s, l) => (l < k ? tol * step * s : 0)));
      } finally {
        await engine.close();
        await main.release();
      }
    },
  );
});
