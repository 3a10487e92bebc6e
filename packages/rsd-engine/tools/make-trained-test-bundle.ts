/**
 * Writes the "trained test bundle" the bench runs on until the embedded bundle exists:
 * a random-weight bundle at the SPEC's sizes (C=8, A=7, H=7, L=8, K=7) whose draft head is then
 * DISTILLED from the main head's greedy tokens by least squares (see distillDraftLeastSquares),
 * on backbone features of synthetic observations (8 scenes × 10 instructions + pixel noise).
 * The main head is random, not trained: the speedups measured on it say how the engine performs
 * when a draft agrees with its main head this often, not how a trained policy behaves.
 *
 *   npx nx run rsd-engine:make-test-bundle --out /tmp/rsd-trained-test-bundle [--samples 4096] [--k 8]
 */
import { readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { exportDraftOnnx, writeBundle, type BundleFile } from '@rsd/heads';
import { writeRandomBundle } from '@rsd/heads/testing';
import { loadEngine } from '../src/engine/load-engine.ts';
import { distillDraftLeastSquares } from '../src/testing/distill-draft.ts';
import { syntheticObservations } from '../src/testing/synthetic-observations.ts';

const { values } = parseArgs({
  options: {
    out: { type: 'string', default: '/tmp/rsd-trained-test-bundle' },
    samples: { type: 'string', default: '4096' },
    k: { type: 'string', default: '8' },
    seed: { type: 'string', default: '7' },
    'draft-width': { type: 'string', default: '128' },
    'main-width': { type: 'string', default: '512' },
    lambda: { type: 'string', default: '1e-5' },
  },
});
const N = Number(values.samples);
const seed = Number(values.seed);
const k = Number(values.k);
const dims = { C: 8, A: 7, H: 7, L: 8, K: 7, F: 256, k };
const heads = { mainWidth: Number(values['main-width']), mainDepth: 2, draftWidth: Number(values['draft-width']), draftDepth: 1 };
const backbone = { image: { height: 64, width: 64 }, instruction: { kind: 'hashed-words', vocabSize: 512, maxTokens: 24 } } as const;
const log = (line: string) => process.stderr.write(`${line}\n`);

const randomDir = `${values.out}.random`;
const random = await writeRandomBundle(randomDir, { dims, seed, heads, backbone, overwrite: true, name: 'random-for-distillation' });
const engine = await loadEngine(randomDir, { log, executionProviders: ['cpu'] });
const obs = syntheticObservations(random.manifest, N, { seed: 1 });
const features = await engine.computeFeatures(obs);
const tokens = new Int32Array(N * dims.C * dims.H * dims.L);
for (let start = 0; start < N; start += 256) {
  const B = Math.min(256, N - start);
  const r = await engine.predictFromFeatures(features.subarray(start * dims.F, (start + B) * dims.F), B, { mode: 'baseline', acceptance: { kind: 'exact' } });
  tokens.set(r.tokens, start * dims.C * dims.H * dims.L);
}
await engine.close();
log(`make-test-bundle: main's greedy tokens for ${N} synthetic observations; fitting the draft`);
const draft = distillDraftLeastSquares(
  random.headsConfig,
  { weight: random.weights.draft['blocks.0.weight']!, bias: random.weights.draft['blocks.0.bias']! },
  features,
  tokens,
  N,
  Number(values.lambda),
);
const models = {} as Record<BundleFile, Uint8Array>;
for (const f of ['backbone.onnx', 'main.onnx', 'rfsq_encoder.onnx', 'rfsq_decoder.onnx'] as const) models[f] = new Uint8Array(await readFile(join(randomDir, f)));
models['draft.onnx'] = exportDraftOnnx(random.headsConfig, draft);
const m = random.manifest;
await writeBundle(
  values.out,
  {
    name: 'trained-test-bundle',
    dims: m.dims,
    actionNormalization: m.actionNormalization,
    tokenizer: m.tokenizer,
    backbone: m.backbone,
    provenance: {
      generator: '@rsd/rsd-engine tools/make-trained-test-bundle.ts',
      note: 'random main head and backbone (writeRandomBundle); draft distilled from main greedy tokens by least squares on synthetic observations; NOT a trained policy',
      seed,
      samples: N,
      lambda: Number(values.lambda),
      heads: random.headsConfig,
    },
    models,
  },
  { overwrite: true },
);
await rm(randomDir, { recursive: true, force: true });

// agreement on held-out synthetic observations (another noise seed)
const check = await loadEngine(values.out, { log: () => {}, executionProviders: ['cpu'] });
const held = syntheticObservations(check.manifest, 256, { seed: 2 });
const r = await check.predict(held, { mode: 'rsd', acceptance: { kind: 'exact' } });
const s = check.statistics();
await check.close();
process.stdout.write(
  `${JSON.stringify({ out: values.out, heldOut: 256, acceptanceRate: r.stats.acceptanceRate, acceptanceByLayer: s.acceptanceByLayer, meanMainPasses: s.mainPasses.meanPerItem }, null, 2)}\n`,
);
