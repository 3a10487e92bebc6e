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
    'exact RSD (every k in 1..L) and jacobi: tokens and actions bit-identical to baseline; at most L main passes',
    async ({ dims, seed, B, mainWidth }) => {
      const dir = join(root, `b${counter++}`);
      // the draft model proposes all L layers so every k in 1..L can be asked for
      const bundle = await writeRandomBundle(dir, { dims: { ...dims, k: dims.L }, seed, heads: { mainWidth } });
      const engine = await loadEngine(bundle.dir, { ...quiet, executionProviders: ['cpu'] });
      try {
        const features = new SeededRandom(seed + 3).floats(B * dims.F, -3, 3);
        const base = await engine.predictFromFeatures(features, B, { mode: 'baseline', acceptance: { kind: 'exact' } });
        expect(base.stats.mainPasses).toBe(dims.L);
        const runs = [
          ...Array.from({ length: dims.L }, (_, i) => ({ mode: 'rsd' as const, draftLayers: i + 1 })),
          { mode: 'jacobi' as const },
        ];
        for (const run of runs) {
          const r = await engine.predictFromFeatures(features, B, { ...run, acceptance: { kind: 'exact' } });
          expect(r.tokens).toEqual(base.tokens);
          expect(r.actions).toEqual(base.actions);
          r.stats.acceptedLayers.forEach((a, b) => {
            const n = r.stats.itemMainPasses[b]!;
            expect(n).toBeLessThanOrEqual(dims.L);
            expect(r.stats.layersDecidedPerPass[b]!.reduce((x, y) => x + y, 0)).toBe(dims.L);
            if (run.mode === 'rsd') expect(n).toBeLessThanOrEqual(a < run.draftLayers ? dims.L - a : 1 + dims.L - Math.min(run.draftLayers + 1, dims.L));
          });
          expect(r.stats.mainPasses).toBe(Math.max(...r.stats.itemMainPasses));
          expect(r.stats.draftPasses).toBe(run.mode === 'rsd' ? 1 : 0);
        }
      } finally {
        await engine.close();
      }
    },
  );

  test.prop([arbCase], { numRuns: 8 })('a bundle without draft.onnx: jacobi equals baseline, rsd is refused by name', async ({ dims, seed, B, mainWidth }) => {
    const dir = join(root, `n${counter++}`);
    const bundle = await writeRandomBundle(dir, { dims: { ...dims, k: 0 }, seed, heads: { mainWidth } });
    const engine = await loadEngine(bundle.dir, quiet);
    try {
      expect(engine.executionProviders['draft.onnx']).toBeUndefined();
      const features = new SeededRandom(seed + 3).floats(B * dims.F, -3, 3);
      const base = await engine.predictFromFeatures(features, B, { mode: 'baseline', acceptance: { kind: 'exact' } });
      const j = await engine.predictFromFeatures(features, B, { mode: 'jacobi', acceptance: { kind: 'exact' } });
      expect(j.tokens).toEqual(base.tokens);
      expect(j.actions).toEqual(base.actions);
      await expect(engine.predictFromFeatures(features, B, { mode: 'rsd', acceptance: { kind: 'exact' } })).rejects.toThrowError(/no draft.onnx.*jacobi/);
    } finally {
      await engine.close();
    }
  });

  test.prop([arbCase, fc.integer({ min: 0, max: 2 })], { numRuns: 12 })(
    'relaxed (rsd, jacobi): every token within tolerance of main.onnx argmax given the same prefix; allowance = t·step·scale',
    async ({ dims, seed, B, mainWidth }, tol) => {
      const dir = join(root, `r${counter++}`);
      const bundle = await writeRandomBundle(dir, { dims, seed, heads: { mainWidth } });
      const engine = await loadEngine(bundle.dir, quiet);
      const main = await ort.InferenceSession.create(join(dir, 'main.onnx'));
      try {
        const features = new SeededRandom(seed + 3).floats(B * dims.F, -3, 3);
        const { C, H, L, K } = dims;
        for (const mode of ['rsd', 'jacobi'] as const) {
        const r = await engine.predictFromFeatures(features, B, { mode, acceptance: { kind: 'relaxed', tolerance: tol } });
        const out = await main.run({
          features: new ort.Tensor('float32', features, [B, dims.F]),
          tokens: new ort.Tensor('int64', BigInt64Array.from(r.tokens, (t) => BigInt(t)), [B, C, H, L]),
        });
        const logits = out.logits!.data as Float32Array;
        for (let i = 0; i < r.tokens.length; i++) {
          const m = argmaxAt(logits, i * K, K);
          if (Math.abs(r.tokens[i]! - m) > tol) expect.fail(`${mode} token ${i} (layer ${i % L}): ${r.tokens[i]} vs argmax ${m}, tolerance ${tol}`);
        }
        const step = 2 / (K - 1);
        expect(r.stats.relaxedAllowance).toEqual(bundle.manifest.tokenizer.layerScales.map((s) => tol * step * s));
        }
      } finally {
        await engine.close();
        await main.release();
      }
    },
  );
});
