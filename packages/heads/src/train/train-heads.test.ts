import { selectTfBackend } from '@rsd/rfsq';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as ort from 'onnxruntime-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readSafetensors } from '../checkpoint/safetensors-reader.ts';
import { HeadsError } from '../errors/heads-error.ts';
import type { HeadsConfig } from '../heads-config.ts';
import { mainForward } from '../model/main-forward.ts';
import type { Tf } from '../model/tf-dense.ts';
import { syntheticFeatureDataset } from '../testing/synthetic-feature-dataset.ts';
import type { FeatureDataset } from './feature-dataset.ts';
import { trainHeads, type TrainHeadsOptions } from './train-heads.ts';

const cfg: HeadsConfig = {
  F: 6,
  C: 2,
  H: 2,
  L: 3,
  K: 3,
  draftLayers: 2,
  mainWidth: 24,
  mainDepth: 2,
  draftWidth: 16,
  draftDepth: 1,
};
let tf: Tf;
let root: string;
let data: FeatureDataset;
const quiet = { log: () => {} };

beforeAll(async () => {
  tf = (await selectTfBackend({ log: () => {} })).tf;
  root = await mkdtemp(join(tmpdir(), 'rsd-heads-train-'));
  data = await syntheticFeatureDataset(cfg, 96, 4);
});
afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

const base = (outDir: string): TrainHeadsOptions => ({
  config: cfg,
  data,
  outDir,
  mainEpochs: 6,
  draftEpochs: 6,
  batchSize: 16,
  learningRate: 0.01,
  seed: 1,
  valFraction: 0.25,
  resume: false,
  softWeight: 1,
});

async function weightsOf(path: string): Promise<Record<string, Float32Array>> {
  const file = readSafetensors(await readFile(path), { fileName: path });
  return Object.fromEntries([...file.tensors].map(([n, t]) => [n, t.data as Float32Array]));
}

function maxAbsDiff(a: Float32Array, b: Float32Array): number {
  let m = a.length === b.length ? 0 : Infinity;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i]! - b[i]!));
  return m;
}

describe('trainHeads', () => {
  it('learns: main loss falls, draft agrees with main greedy far above chance, outputs are consistent', async () => {
    const status: string[] = [];
    const { report, files } = await trainHeads(base(join(root, 'a')), {
      tf,
      backend: 'test',
      ...quiet,
      progress: (l) => status.push(l),
    });
    // 72 train samples / minibatch 16 = 5 batches per epoch, then a clear
    expect(status.slice(0, 6)).toEqual([1, 2, 3, 4, 5].map((b) => `[heads] main  epoch 1/6 batch ${b}/5`).concat(['']));
    expect(status.filter((l) => l === '')).toHaveLength(12);
    const mainHistory = report.history.filter((h) => (h as { phase: string }).phase === 'main') as {
      trainLoss: number;
    }[];
    expect(mainHistory).toHaveLength(6);
    expect(mainHistory[5]!.trainLoss).toBeLessThan(mainHistory[0]!.trainLoss);
    const agree = report.draftVsMainGreedy.positionAgreement;
    expect(agree).toHaveLength(2);
    expect(agree[0]!).toBeGreaterThan(0.6); // chance is 1/3
    expect(report.samples).toEqual({ train: 72, val: 24 });
    // the written ONNX main head equals the written PyTorch-named weights
    const weights = readSafetensors(await readFile(files.mainWeights), { fileName: 'main.safetensors' });
    const w = Object.fromEntries([...weights.tensors].map(([n, t]) => [n, t.data as Float32Array]));
    expect(weights.tensors.get('in_tokens.weight')!.shape).toEqual([24, 3 * 4 * 3]);
    const session = await ort.InferenceSession.create(await readFile(files.mainOnnx));
    const f = data.features.subarray(0, 6);
    const t = data.tokens.subarray(0, 12);
    const out = await session.run({
      features: new ort.Tensor('float32', Float32Array.from(f), [1, 6]),
      tokens: new ort.Tensor('int64', BigInt64Array.from(Array.from(t, (v) => BigInt(v))), [1, 2, 2, 3]),
    });
    const ref = mainForward(cfg, w, Float32Array.from(f), Int32Array.from(t), 1);
    (out.logits!.data as Float32Array).forEach((v, i) => expect(v).toBeCloseTo(ref[i]!, 4));
    expect(JSON.parse(await readFile(files.config, 'utf8'))).toEqual(cfg);
  });

  it('resuming from the checkpoint (mid-main or mid-draft) gives the same weights as one uninterrupted run', async () => {
    const deps = { tf, backend: 'test', ...quiet };
    const straight = await trainHeads({ ...base(join(root, 'straight')), mainEpochs: 2, draftEpochs: 2 }, deps);
    const midMain = join(root, 'mid-main');
    await trainHeads({ ...base(midMain), mainEpochs: 1, draftEpochs: 0 }, deps);
    const midDraft = join(root, 'mid-draft');
    await trainHeads({ ...base(midDraft), mainEpochs: 2, draftEpochs: 1 }, deps);
    const logs: string[] = [];
    for (const dir of [midMain, midDraft]) {
      const resumed = await trainHeads(
        { ...base(dir), mainEpochs: 2, draftEpochs: 2, resume: true },
        { ...deps, log: (l) => logs.push(l) },
      );
      // equal up to float rounding (Adam's restored bias correction uses pow(β, t) instead of a running product)
      for (const key of ['mainWeights', 'draftWeights'] as const) {
        const a = await weightsOf(straight.files[key]);
        const b = await weightsOf(resumed.files[key]);
        expect(Object.keys(b)).toEqual(Object.keys(a));
        for (const [name, w] of Object.entries(a)) expect(maxAbsDiff(w, b[name]!), `${key} ${name}`).toBeLessThan(1e-5);
      }
    }
    expect(logs.filter((l) => l.includes('resuming'))).toHaveLength(2);
  });

  it("draftInit main starts the draft from main's layer-0 path and keeps it: layer 0 always agrees", async () => {
    const deep = { ...cfg, draftDepth: 2, draftWidth: 8 }; // 24 main units / L = 3 → 8 degree-0 units
    const logs: string[] = [];
    const { report } = await trainHeads(
      { ...base(join(root, 'init')), config: deep, mainEpochs: 3, draftEpochs: 2, draftInit: 'main' },
      { tf, backend: 'test', log: (l) => logs.push(l) },
    );
    expect(report.draftVsMainGreedy.layerAgreement[0]).toBe(1);
    expect(logs.some((l) => l.includes("main head's layer-0 path copied"))).toBe(true);
    const random = await trainHeads(
      { ...base(join(root, 'init-random')), config: deep, mainEpochs: 3, draftEpochs: 0, draftInit: 'random' },
      { tf, backend: 'test', ...quiet },
    );
    expect(random.report.draftVsMainGreedy.layerAgreement[0]).toBeLessThan(1);
    await expect(
      trainHeads(
        {
          ...base(join(root, 'init-bad')),
          config: { ...cfg, draftDepth: 1 },
          mainEpochs: 1,
          draftEpochs: 0,
          draftInit: 'main',
        },
        { tf, backend: 'test', ...quiet },
      ),
    ).rejects.toThrowError(/cfg.draftDepth/);
  });

  it('prefix noise is seeded (same weights twice), changes what the main head learns, and names a bad setting', async () => {
    const noise = { cleanShare: 0.25, maxRate: 0.3 };
    const run = async (name: string, prefixNoise?: typeof noise) => {
      const o = { ...base(join(root, name)), mainEpochs: 2, draftEpochs: 1, ...(prefixNoise ? { prefixNoise } : {}) };
      return weightsOf((await trainHeads(o, { tf, backend: 'test', ...quiet })).files.mainWeights);
    };
    const a = await run('noise-a', noise);
    const b = await run('noise-b', noise);
    const plain = await run('noise-off');
    expect(a).toEqual(b);
    expect(a['in_tokens.weight']).not.toEqual(plain['in_tokens.weight']);
    await expect(trainHeads({ ...base(join(root, 'noise-bad')), prefixNoise: { cleanShare: 2, maxRate: 0.1 } }, { tf, backend: 'test', ...quiet })).rejects.toThrow(/options.prefixNoise.cleanShare/);
  });

  it('draft main-prefix: no draft training, draft.onnx decodes main\'s own greedy tokens of layers < k (measured agreement 1), no draft.safetensors', async () => {
    const out = join(root, 'main-prefix');
    const lines: string[] = [];
    const r = await trainHeads({ ...base(out), mainEpochs: 2, draftEpochs: 3, draft: 'main-prefix' }, { tf, backend: 'test', log: (l) => lines.push(l) });
    expect(r.report.draft).toBe('main-prefix');
    expect(r.report.history.filter((h) => (h as { phase?: string }).phase === 'draft')).toEqual([]);
    expect(lines.some((l) => l.includes('main-prefix'))).toBe(true);
    expect(r.report.draftVsMainGreedy.layerAgreement).toEqual([1, 1]);
    await expect(readFile(join(out, 'draft.safetensors'))).rejects.toThrow(/ENOENT/);
    // the draft's tokens are main's greedy tokens, checked here against the plain reference forward
    const main = await weightsOf(r.files.mainWeights);
    const session = await ort.InferenceSession.create(await readFile(r.files.draftOnnx));
    const N = 8;
    const f = data.features.subarray(0, N * cfg.F);
    const logits = (await session.run({ features: new ort.Tensor('float32', Float32Array.from(f), [N, cfg.F]) }))['logits']!;
    await session.release();
    expect(logits.dims).toEqual([N, cfg.C, cfg.H, cfg.draftLayers, cfg.K]);
    const d = logits.data as Float32Array;
    const P = cfg.C * cfg.H;
    const tokens = new Int32Array(N * P * cfg.L);
    const argmax = (x: Float32Array, at: number) => {
      let best = 0;
      for (let v = 1; v < cfg.K; v++) if (x[at + v]! > x[at + best]!) best = v;
      return best;
    };
    for (let l = 0; l < cfg.draftLayers; l++) {
      const ref = mainForward(cfg, main, f, tokens, N);
      for (let i = 0; i < N * P; i++) {
        tokens[i * cfg.L + l] = argmax(ref, (i * cfg.L + l) * cfg.K);
        expect(argmax(d, (i * cfg.draftLayers + l) * cfg.K)).toBe(tokens[i * cfg.L + l]);
      }
    }
    await expect(trainHeads({ ...base(join(root, 'draft-bad')), draft: 'other' as 'trained' }, { tf, backend: 'test', ...quiet })).rejects.toThrow(/options.draft must be "trained" or "main-prefix"/);
  });

  it('refuses a dataset that does not fit the config, naming the field', async () => {
    const error = await trainHeads(
      { ...base(join(root, 'bad')), data: { ...data, F: 5 } },
      { tf, backend: 'test', ...quiet },
    ).catch((e: unknown) => e);
    expect(HeadsError.isInstance(error) && error.subject).toBe('dataset#F');
  });
});
