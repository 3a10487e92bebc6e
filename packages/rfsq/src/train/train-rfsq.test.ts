import h5wasm from 'h5wasm/node';
import * as ort from 'onnxruntime-node';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { RfsqTokenizer } from '../core/rfsq-tokenizer.ts';
import { cutActionChunks } from '../data/action-chunks.ts';
import { writeNpy } from '../testing/write-npy.ts';
import { RfsqError } from '../errors/rfsq-error.ts';
import { loadRfsqParams } from '../io/rfsq-json.ts';
import { generateReachGraspEpisodes } from '../testing/reach-grasp-trajectories.ts';
import { selectTfBackend } from '../tf/select-tf-backend.ts';
import type { TrainRfsqOptions } from './train-options.ts';
import { TRAIN_DEFAULTS } from './train-options.ts';
import { trainRfsq } from './train-rfsq.ts';

const FIXTURE = fileURLToPath(new URL('../../test/fixtures/libero-mini.hdf5', import.meta.url));
const silent = { step: () => {}, epoch: () => {}, done: () => {} };
const deps = { log: () => {}, progress: silent, selectBackend: () => selectTfBackend({ prefer: 'wasm', log: () => {} }) };

function tiny(out: string, over: Partial<TrainRfsqOptions> = {}): TrainRfsqOptions {
  return { ...TRAIN_DEFAULTS, data: [FIXTURE], out, layers: 3, stride: 4, hidden: [16], epochs: 2, batchSize: 32, ...over };
}

async function expectNothingWritten(options: TrainRfsqOptions, code: string, message: RegExp) {
  const error = await trainRfsq(options, deps).then(() => undefined, (e: unknown) => e);
  expect(RfsqError.isInstance(error), String(error)).toBe(true);
  expect((error as RfsqError).code).toBe(code);
  expect((error as RfsqError).message).toMatch(message);
  expect(existsSync(options.out)).toBe(false);
  expect(existsSync(`${options.out}.partial`)).toBe(false);
}

describe('trainRfsq', () => {
  it('trains on LIBERO HDF5, writes every output, and the ONNX decoder matches rfsq.json’s tokenizer', async () => {
    const out = join(mkdtempSync(join(tmpdir(), 'rfsq-train-')), 'model');
    const result = await trainRfsq(tiny(out), deps);
    for (const f of ['rfsq_encoder.onnx', 'rfsq_decoder.onnx', 'rfsq.json', 'rfsq_weights.bin', 'report.json', 'report.svg']) {
      expect(existsSync(join(out, f)), f).toBe(true);
    }
    expect(existsSync(`${out}.partial`)).toBe(false);
    const report = JSON.parse(readFileSync(join(out, 'report.json'), 'utf8'));
    expect(Object.keys(report)).toEqual(expect.arrayContaining(['mse', 'mse_by_layers', 'mse_by_dim', 'residual_std_by_layer', 'code_perplexity_by_layer']));
    expect(report.mse_by_layers).toHaveLength(3);
    expect(report.mse_by_dim).toHaveLength(7);
    expect(report.mse).toBe(report.mse_by_layers[2]);
    expect(readFileSync(join(out, 'report.svg'), 'utf8')).toMatch(/^<svg[^>]*>.*<polyline/s);
    expect(result.epochLosses).toHaveLength(2);

    const { params, json } = loadRfsqParams(out);
    expect(json.data).toMatchObject({ files: [{ kind: 'libero-hdf5', episodes: 3 }] });
    expect(params.config.variant).toBe('robust');
    expect(params.actionNormalization.low).toHaveLength(7);
    const episodes = generateReachGraspEpisodes(3, 7);
    const chunks = cutActionChunks(episodes[0]!.actions, episodes[0]!.T, 7, 8, 8).subarray(0, 5 * 56);
    const tok = new RfsqTokenizer(params);
    const tokens = tok.encode(chunks);
    const dec = await ort.InferenceSession.create(readFileSync(join(out, 'rfsq_decoder.onnx')));
    const d = await dec.run({ tokens: new ort.Tensor('int64', BigInt64Array.from(tokens, (v) => BigInt(v)), [5, 8, 7, 3]) });
    const core = tok.decode(tokens);
    (d.actions!.data as Float32Array).forEach((v, i) => expect(Math.abs(v - core[i]!)).toBeLessThan(1e-4));
    await dec.release();

    // --resume continues to the new epoch total from the finished output
    const resumed = await trainRfsq(tiny(out, { epochs: 3, resume: true }), deps);
    expect(resumed.epochLosses).toHaveLength(1);
    expect(loadRfsqParams(out).json.training).toMatchObject({ epochs: 3, resumed_from: out });
  });

  it('--resume after a crash continues from the checkpoint (weights, layer norm, Adam) like an uninterrupted run', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'rfsq-resume-'));
    const straight = join(dir, 'straight');
    await trainRfsq(tiny(straight, { epochs: 3 }), deps);
    const crashed = join(dir, 'crashed');
    const crashing = { ...silent, epoch: ({ epoch }: { epoch: number }) => { if (epoch === 1) throw new Error('power cut'); } };
    await expect(trainRfsq(tiny(crashed, { epochs: 3 }), { ...deps, progress: crashing })).rejects.toThrowError('power cut');
    expect(existsSync(crashed)).toBe(false);
    const checkpoint = loadRfsqParams(join(`${crashed}.partial`, 'checkpoint'));
    expect(checkpoint.json.training).toMatchObject({ epochs: 1 });
    expect([...checkpoint.extraTensors.keys()][0]).toBe('optimizer.0000');
    const resumed = await trainRfsq(tiny(crashed, { epochs: 3, resume: true }), deps);
    expect(resumed.epochLosses).toHaveLength(2);
    const a = loadRfsqParams(straight).params;
    const b = loadRfsqParams(crashed).params;
    b.decoder.forEach((layer, i) => layer.weight.forEach((w, j) => expect(Math.abs(w - a.decoder[i]!.weight[j]!)).toBeLessThan(1e-5)));
    b.layerScales.forEach((s, l) => expect(s).toBeCloseTo(a.layerScales[l]!, 5));
  });

  it('trains a naive tokenizer on .npy chunks with unit scales and zero shifts', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'rfsq-npy-train-'));
    const e = generateReachGraspEpisodes(2, 1);
    const chunks = Float32Array.from(e.flatMap((x) => Array.from(cutActionChunks(x.actions, x.T, 7, 8, 6))));
    writeFileSync(join(dir, 'chunks.npy'), writeNpy(chunks, [chunks.length / 56, 8, 7]));
    const out = join(dir, 'naive');
    await trainRfsq(tiny(out, { data: [join(dir, 'chunks.npy')], variant: 'naive', epochs: 1 }), deps);
    const { params } = loadRfsqParams(out);
    expect(params.layerScales).toEqual([1, 1, 1]);
    expect(params.layerShifts).toEqual([0, 0, 0]);
  });

  it('trains per-dim levels (FSQ-paper style) and refuses to replace a folder that is not an RFSQ output', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'rfsq-levels-'));
    const out = join(dir, 'levels');
    await trainRfsq(tiny(out, { levels: [8, 5, 5], latentDim: 3, epochs: 1 }), deps);
    const { params } = loadRfsqParams(out);
    expect(params.config).toMatchObject({ H: 3, K: 8, levels: [8, 5, 5] });
    const tokens = new RfsqTokenizer(params).encode(new Float32Array(2 * 56));
    tokens.forEach((c, i) => expect(c).toBeLessThan([8, 5, 5][Math.floor(i / 3) % 3]!));

    writeFileSync(join(dir, 'keep.txt'), 'x');
    const error = await trainRfsq(tiny(dir), deps).then(() => undefined, (e: unknown) => e);
    expect((error as RfsqError).code).toBe('INVALID_CONFIG');
    expect((error as Error).message).toMatch(/exists and is not an RFSQ output/);
    expect(readFileSync(join(dir, 'keep.txt'), 'utf8')).toBe('x');
  });

  describe('bad input: an error naming file and field, nothing written to --out', () => {
    const base = () => join(mkdtempSync(join(tmpdir(), 'rfsq-bad-')), 'out');
    const h5 = async (dir: string, build: (f: InstanceType<typeof h5wasm.File>) => void) => {
      await h5wasm.ready;
      const file = join(dir, 'bad.hdf5');
      const f = new h5wasm.File(file, 'w');
      build(f);
      f.close();
      return file;
    };

    it('an HDF5 file without actions', async () => {
      const out = base();
      const file = await h5(join(out, '..'), (f) => void f.create_group('data').create_group('demo_0'));
      await expectNothingWritten(tiny(out, { data: [file] }), 'MISSING_FIELD', /bad\.hdf5: data\/demo_0\/actions is missing/);
    });

    it('actions of the wrong width', async () => {
      const out = base();
      const file = await h5(join(out, '..'), (f) =>
        void f.create_group('data').create_group('demo_0').create_dataset({ name: 'actions', data: new Float64Array(18), shape: [3, 6], dtype: '<d' }),
      );
      await expectNothingWritten(tiny(out, { data: [file] }), 'INVALID_DATA', /bad\.hdf5: data\/demo_0\/actions has width 6/);
    });

    it('NaN or infinite values', async () => {
      const out = base();
      const npy = join(out, '..', 'nan.npy');
      writeFileSync(npy, writeNpy(Float64Array.from({ length: 14 }, (_, i) => (i === 3 ? NaN : 0)), [2, 7]));
      await expectNothingWritten(tiny(out, { data: [npy] }), 'NON_FINITE', /nan\.npy: array holds NaN/);
    });

    it('an unknown variant', async () => {
      const out = base();
      await expectNothingWritten(tiny(out, { variant: 'fancy' as 'robust' }), 'INVALID_CONFIG', /--variant must be robust or naive, got "fancy"/);
    });

    it('an empty dataset', async () => {
      const out = base();
      const npy = join(out, '..', 'empty.npy');
      writeFileSync(npy, writeNpy(new Float64Array(0), [0, 7]));
      await expectNothingWritten(tiny(out, { data: [npy] }), 'EMPTY_DATASET', /empty\.npy/);
    });
  });
});
