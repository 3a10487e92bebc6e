import h5wasm from 'h5wasm/node';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { RfsqError } from '../errors/rfsq-error.ts';
import { generateReachGraspEpisodes } from '../testing/reach-grasp-trajectories.ts';
import { readLiberoActions } from './libero-hdf5.ts';
import { loadActionDataset } from './load-action-dataset.ts';
import { writeNpy } from '../testing/write-npy.ts';

const FIXTURE = fileURLToPath(new URL('../../test/fixtures/libero-mini.hdf5', import.meta.url));

async function h5(build: (f: InstanceType<typeof h5wasm.File>) => void): Promise<string> {
  await h5wasm.ready;
  const file = join(mkdtempSync(join(tmpdir(), 'rfsq-h5-')), 'demo.hdf5');
  const f = new h5wasm.File(file, 'w');
  build(f);
  f.close();
  return file;
}

async function expectRfsqError(p: Promise<unknown>, code: string, message: RegExp) {
  const error = await p.then(() => undefined, (e: unknown) => e);
  expect(RfsqError.isInstance(error)).toBe(true);
  expect((error as RfsqError).code).toBe(code);
  expect((error as RfsqError).message).toMatch(message);
}

describe('LIBERO HDF5 and .npy loading', () => {
  it('reads the committed LIBERO-layout fixture: demos in order, the generator’s exact values', async () => {
    const episodes = await readLiberoActions(FIXTURE, 7);
    const expected = generateReachGraspEpisodes(3, 7);
    expect(episodes.map((e) => e.T)).toEqual(expected.map((e) => e.T));
    expect(episodes[2]!.actions).toEqual(expected[2]!.actions);
    expect(episodes[0]!.source).toMatch(/libero-mini\.hdf5#data\/demo_0\/actions$/);
  });

  it('loads files and directories together, cutting chunks with the stride and hashing each file', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'rfsq-npy-'));
    writeFileSync(join(dir, 'ep.npy'), writeNpy(new Float64Array(10 * 7).map((_, i) => i), [10, 7]));
    writeFileSync(join(dir, 'chunks.npy'), writeNpy(new Float32Array(3 * 8 * 7), [3, 8, 7]));
    writeFileSync(join(dir, 'notes.txt'), 'ignored');
    const ds = await loadActionDataset([FIXTURE, dir], { A: 7, C: 8, stride: 4 });
    const hdf5Chunks = [150, 132, 148].reduce((n, T) => n + Math.ceil(T / 4), 0);
    expect(ds.N).toBe(hdf5Chunks + 3 + 3); // + chunks.npy (3) + ep.npy (ceil(10/4) = 3), files sorted
    expect(ds.sources.map((s) => s.kind)).toEqual(['libero-hdf5', 'npy-chunks', 'npy-episode']);
    expect(ds.sources[0]!.sha256).toMatch(/^[0-9a-f]{64}$/);
    expect(ds.rows.length).toBe((430 + 24 + 10) * 7);
  });

  it('an HDF5 demo without actions is an error naming file and field', async () => {
    const file = await h5((f) => {
      f.create_group('data').create_group('demo_0');
    });
    await expectRfsqError(readLiberoActions(file, 7), 'MISSING_FIELD', /demo\.hdf5: data\/demo_0\/actions is missing/);
  });

  it('an HDF5 without a data group is an error naming the field', async () => {
    const file = await h5((f) => void f.create_group('other'));
    await expectRfsqError(readLiberoActions(file, 7), 'MISSING_FIELD', /demo\.hdf5: data group is missing/);
  });

  it('actions of the wrong width are an error naming the field', async () => {
    const file = await h5((f) => {
      f.create_group('data').create_group('demo_0');
      (f.get('data/demo_0') as InstanceType<typeof h5wasm.Group>).create_dataset({ name: 'actions', data: new Float64Array(12), shape: [2, 6], dtype: '<d' });
    });
    await expectRfsqError(readLiberoActions(file, 7), 'INVALID_DATA', /data\/demo_0\/actions has width 6, expected 7/);
  });

  it('NaN or infinite actions are an error naming the field and position', async () => {
    const data = new Float64Array(14);
    data[9] = Number.POSITIVE_INFINITY;
    const file = await h5((f) => {
      f.create_group('data').create_group('demo_3');
      (f.get('data/demo_3') as InstanceType<typeof h5wasm.Group>).create_dataset({ name: 'actions', data, shape: [2, 7], dtype: '<d' });
    });
    await expectRfsqError(readLiberoActions(file, 7), 'NON_FINITE', /data\/demo_3\/actions holds Infinity at \[1, 2\]/);
    const dir = mkdtempSync(join(tmpdir(), 'rfsq-nan-'));
    writeFileSync(join(dir, 'bad.npy'), writeNpy(Float32Array.from([0, NaN, 0, 0, 0, 0, 0]), [1, 7]));
    await expectRfsqError(loadActionDataset([dir], { A: 7, C: 8, stride: 1 }), 'NON_FINITE', /bad\.npy: array holds NaN/);
  });

  it('an empty dataset or a wrong .npy shape is an error naming the paths', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'rfsq-empty-'));
    await expectRfsqError(loadActionDataset([dir], { A: 7, C: 8, stride: 1 }), 'EMPTY_DATASET', /no \.hdf5\/\.h5\/\.npy files/);
    writeFileSync(join(dir, 'zero.npy'), writeNpy(new Float64Array(0), [0, 7]));
    await expectRfsqError(loadActionDataset([dir], { A: 7, C: 8, stride: 1 }), 'EMPTY_DATASET', /zero\.npy/);
    writeFileSync(join(dir, 'wide.npy'), writeNpy(new Float64Array(16), [2, 8]));
    await expectRfsqError(loadActionDataset([join(dir, 'wide.npy')], { A: 7, C: 8, stride: 1 }), 'INVALID_DATA', /wide\.npy: array shape \[2, 8\]/);
  });
});
