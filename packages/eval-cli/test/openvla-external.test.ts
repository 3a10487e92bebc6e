import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { readFeatureDataset, trainHeads, validateHeadsConfig, type Tf } from '@rsd/heads';
import { DemoFileWriter, type DemoEpisode } from '@rsd/libero-bridge';
import { RFSQ_JSON_FILE, RFSQ_WEIGHTS_FILE, selectTfBackend, serializeRfsqParams } from '@rsd/rfsq';
import { randomRfsqParams } from '@rsd/rfsq/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runEval } from '../src/commands/run-eval.ts';
import { EvalError } from '../src/errors/eval-error.ts';
import { assembleExternalBundle } from '../src/features/assemble-external-bundle.ts';
import { replayDemoFeatures } from '../src/features/replay-demo-features.ts';
import { readEpisodeLog } from '../src/results/episode-log.ts';
import { collectProgress, STAND_IN_PYTHONPATH, tempDir } from './fixtures.ts';

// Phase 2 and 3 of the OpenVLA design end to end, with a stand-in feature module (NOT a VLA:
// deterministic, F = 12, stdlib only) on the stand-in LIBERO (NOT LIBERO): demos → features
// (the module run by the Python server) → heads → a bundle of kind external → eval --env python
// --features <module>, every mode.
const MODULE = fileURLToPath(new URL('../../libero-bridge/python/features/stand_in_features.py', import.meta.url));
const root = tempDir('external');
const savedPath = process.env.PYTHONPATH;
let bundle = '';
let tf: Tf;

/** A synthetic LIBERO-format demo: smooth actions, images and proprio that change with them. */
function demo(T: number, seed: number, h: number, w: number): DemoEpisode {
  const actions = new Float64Array(T * 7);
  const img = new Uint8Array(T * h * w * 3);
  const eePos = new Float64Array(T * 3);
  const eeQuat = new Float64Array(T * 4);
  const grip = new Float64Array(T * 2);
  for (let t = 0; t < T; t++) {
    for (let a = 0; a < 7; a++) actions[t * 7 + a] = Math.sin(0.3 * t + a + seed) * (a === 6 ? 1 : 0.5);
    for (let i = 0; i < h * w * 3; i++) img[t * h * w * 3 + i] = (i * 7 + t * 11 + seed * 13) % 256;
    eePos.set([-0.2 + 0.01 * t, 0.01 * seed, 1.1], t * 3);
    eeQuat.set([1, 0, 0, 0], t * 4);
    grip.set([0.039 - 0.001 * t, -0.039 + 0.001 * t], t * 2);
  }
  return { actions, agentviewRgb: img, eePos, eeOri: new Float64Array(T * 3), eeQuat, gripperStates: grip, states: new Float64Array(T * 4), rewards: new Uint8Array(T), dones: new Uint8Array(T), initOrigin: 'test', expertSeed: seed };
}

beforeAll(async () => {
  process.env.PYTHONPATH = STAND_IN_PYTHONPATH;
  process.env.PYTHONDONTWRITEBYTECODE = '1';
  tf = (await selectTfBackend({ log: () => {} })).tf;
}, 60_000);
afterAll(() => {
  process.env.PYTHONPATH = savedPath;
});

describe('OpenVLA-style features in the loop (stand-in module, stand-in LIBERO)', () => {
  it('demos → features.npy + tokens.npy → heads → external bundle', async () => {
    const demos = join(root, 'demos.hdf5');
    const w = await DemoFileWriter.create(demos, {
      problemInfo: { problem_name: 'p', domain_name: 'd', language_instruction: 'pick up the black bowl and place it on the plate' },
      envArgs: { type: 1, env_name: 'x', problem_name: 'p', bddl_file: 'b', env_kwargs: {} },
      bddlFileName: 'b',
    });
    for (let s = 0; s < 3; s++) w.add(demo(20, s, 8, 8), { height: 8, width: 8, stateDim: 4 });
    w.close();
    const rfsqDir = join(root, 'rfsq');
    const { json, weights } = serializeRfsqParams(randomRfsqParams({ C: 8, A: 7, H: 3, L: 4, K: 5, variant: 'robust', hidden: [16] }, 5));
    mkdirSync(rfsqDir, { recursive: true });
    writeFileSync(join(rfsqDir, RFSQ_JSON_FILE), json);
    writeFileSync(join(rfsqDir, RFSQ_WEIGHTS_FILE), weights);

    const data = join(root, 'features');
    const r = await replayDemoFeatures({ demos: [demos], features: MODULE, featuresConfig: '{"scale": 1}', rfsq: rfsqDir, out: data, batch: 7 });
    expect(r).toMatchObject({ N: 60, F: 12, tokenShape: [8, 3, 4], demos: 3 });
    const meta = JSON.parse(readFileSync(join(data, 'features.json'), 'utf8'));
    expect(meta).toMatchObject({ format: 'rsd-features/1', N: 60, F: 12, demos: [{ demos: 3, samples: 60 }] });

    const dataset = await readFeatureDataset(data);
    expect(dataset).toMatchObject({ N: 60, F: 12, C: 8, H: 3, L: 4 });
    const heads = join(root, 'heads');
    const config = validateHeadsConfig({ F: 12, C: 8, H: 3, L: 4, K: 5, draftLayers: 2, mainWidth: 16, mainDepth: 1, draftWidth: 8, draftDepth: 1 }, 'test');
    await trainHeads({ config, data: dataset, outDir: heads, mainEpochs: 2, draftEpochs: 2, batchSize: 16, learningRate: 0.01, seed: 1 }, { tf, backend: 'test', log: () => {} });

    bundle = join(root, 'bundle');
    const manifest = await assembleExternalBundle({ heads, rfsq: rfsqDir, provider: 'stand-in:stand_in_features.py', out: bundle, imageSize: 16, featuresMeta: join(data, 'features.json') });
    expect(manifest.backbone).toEqual({ kind: 'external', provider: 'stand-in:stand_in_features.py', F: 12, image: { height: 16, width: 16 } });
    expect(manifest.dims).toMatchObject({ C: 8, A: 7, H: 3, L: 4, K: 5, F: 12, k: 2 });
    expect(manifest.files['backbone.onnx']).toBeUndefined();
    expect(existsSync(join(bundle, 'backbone.onnx'))).toBe(false);
    expect(manifest.trainedOn).toEqual({ env: 'python', suite: 'libero_spatial', conventions: 'libero' });
  }, 120_000);

  it('eval --env python --features <module>: exact RSD and Jacobi give baseline\'s tokens; the server\'s feature time is its own stage', async () => {
    expect(bundle).not.toBe('');
    const out = join(root, 'eval');
    const r = await runEval(
      { suite: 'libero_spatial', env: 'python', bundle, features: MODULE, out, trials: '1', tasks: '0,1', maxSteps: '16', waitSteps: '2', mode: 'all', workers: '1', video: 'none' },
      { progress: collectProgress() },
    );
    expect(r.errors).toBe(0);
    const records = readEpisodeLog(join(out, 'episodes.jsonl'));
    expect(records).toHaveLength(6);
    for (const task of [0, 1]) {
      const mine = records.filter((x) => x.task_id === task);
      expect(new Set(mine.map((x) => x.mode))).toEqual(new Set(['baseline', 'rsd', 'jacobi']));
      expect(new Set(mine.map((x) => x.tokens_sha256)).size).toBe(1);
    }
    for (const rec of records) {
      expect(rec.status).toBe('ok');
      expect(rec.stage_ms.backbone).toBe(0);
      expect(rec.stage_ms.features).toBeGreaterThan(0);
    }
    for (const mode of ['baseline', 'rsd', 'jacobi']) {
      const res = JSON.parse(readFileSync(join(out, `results_${mode}.json`), 'utf8'));
      expect(res.stage_ms_mean.features).toBeGreaterThan(0);
    }
    const run = JSON.parse(readFileSync(join(out, 'run.json'), 'utf8'));
    expect(run.features).toEqual({ module: MODULE, moduleSha256: expect.stringMatching(/^[0-9a-f]{64}$/) });
    expect(run.notes.join('\n')).toMatch(/external \(provider stand-in:stand_in_features.py, F = 12\)/);
    const md = readFileSync(join(out, 'report.md'), 'utf8');
    expect(md).toMatch(/Features stage \(computed by the LIBERO server's --features module.*baseline \d+\.\d+ ms features \+ \d+\.\d+ ms policy/);
    expect(readFileSync(join(out, 'report.html'), 'utf8')).toContain('<p class="features">Features stage');
  }, 120_000);

  it('a bundle of kind external is refused on --env embedded, naming the bundle and --env; --env python needs --features', async () => {
    expect(bundle).not.toBe('');
    const e = await runEval({ bundle, out: join(root, 'embedded') }, { progress: collectProgress() }).then(() => undefined, (x: unknown) => x);
    expect(EvalError.isInstance(e) && e.code).toBe('INVALID_FLAG');
    expect((e as Error).message).toMatch(/--env: bundle .*bundle has an external backbone .*provider "stand-in:stand_in_features.py".*--env embedded has no such provider/);
    const f = await runEval({ suite: 'libero_spatial', env: 'python', bundle, out: join(root, 'nofeatures') }, { progress: collectProgress() }).then(() => undefined, (x: unknown) => x);
    expect((f as Error).message).toMatch(/--features: .*needs --features <module.py>/);
  });
});
