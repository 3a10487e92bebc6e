import { mkdtemp, rm, writeFile, mkdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writeSafetensors } from '../checkpoint/safetensors-writer.ts';
import { HeadsError } from '../errors/heads-error.ts';
import { checkDatasetAgainstConfig, readFeatureDataset } from './feature-dataset.ts';
import { readNpy, writeNpy } from './npy-file.ts';

let root: string;
beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'rsd-heads-data-'));
});
afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

const subjectOf = async (p: Promise<unknown>) => {
  const e = await p.catch((x: unknown) => x);
  return HeadsError.isInstance(e) ? e.subject : String(e);
};

describe('npy files', () => {
  it('round-trip float32 and int32 arrays', () => {
    const f = readNpy(writeNpy(Float32Array.of(1.5, -2, 3, 4, 5, 6), [2, 3]), 'f.npy');
    expect(f.shape).toEqual([2, 3]);
    expect(Array.from(f.data)).toEqual([1.5, -2, 3, 4, 5, 6]);
    const i = readNpy(writeNpy(Int32Array.of(7), [1]), 'i.npy');
    expect(i.descr).toBe('<i4');
    expect(Array.from(i.data)).toEqual([7]);
  });

  it('reads a file as numpy writes it (int64, format 1.0, 64-byte aligned header)', () => {
    // np.save(f, np.array([[1, 2], [3, -4]], dtype=np.int64))
    const header = "{'descr': '<i8', 'fortran_order': False, 'shape': (2, 2), }";
    const padded = header + ' '.repeat(128 - 10 - header.length - 1) + '\n';
    const bytes = new Uint8Array(10 + padded.length + 32);
    bytes.set([0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59, 1, 0, padded.length, 0]);
    bytes.set(new TextEncoder().encode(padded), 10);
    const data = new DataView(bytes.buffer, 10 + padded.length);
    [1n, 2n, 3n, -4n].forEach((v, i) => data.setBigInt64(i * 8, v, true));
    const a = readNpy(bytes, 'x.npy');
    expect(a.shape).toEqual([2, 2]);
    expect(a.data).toBeInstanceOf(Int32Array);
    expect(Array.from(a.data)).toEqual([1, 2, 3, -4]);
  });

  it('refuses bad magic, Fortran order and truncated data, naming the file', () => {
    expect(() => readNpy(new Uint8Array(20), 'a.npy')).toThrowError(/a.npy: not a .npy file/);
    const fortran = writeNpy(Float32Array.of(1, 2), [2]);
    const text = new TextDecoder('latin1').decode(fortran).replace('False', 'True ');
    expect(() =>
      readNpy(
        Uint8Array.from(text, (c) => c.charCodeAt(0)),
        'b.npy',
      ),
    ).toThrowError(/b.npy: Fortran/);
    expect(() => readNpy(writeNpy(Float32Array.of(1, 2), [2]).subarray(0, 130), 'c.npy')).toThrowError(
      /c.npy: truncated data/,
    );
  });
});

describe('readFeatureDataset', () => {
  it('reads a folder of .npy files and a .safetensors file alike', async () => {
    const dir = join(root, 'npy');
    await mkdir(dir);
    await writeFile(join(dir, 'features.npy'), writeNpy(Float32Array.of(0.5, 1, 2, 3), [2, 2]));
    await writeFile(join(dir, 'tokens.npy'), writeNpy(Int32Array.of(0, 1, 2, 1), [2, 1, 1, 2]));
    const a = await readFeatureDataset(dir);
    expect({ N: a.N, F: a.F, C: a.C, H: a.H, L: a.L }).toEqual({ N: 2, F: 2, C: 1, H: 1, L: 2 });
    const st = join(root, 'data.safetensors');
    await writeFile(
      st,
      writeSafetensors(
        new Map([
          ['features', { dtype: 'float32' as const, shape: [2, 2], data: a.features }],
          ['tokens', { dtype: 'int64' as const, shape: [2, 1, 1, 2], data: BigInt64Array.of(0n, 1n, 2n, 1n) }],
        ]),
      ),
    );
    const b = await readFeatureDataset(st);
    expect(b).toEqual(a);
    const cfg = {
      F: 2,
      C: 1,
      H: 1,
      L: 2,
      K: 3,
      draftLayers: 1,
      mainWidth: 2,
      mainDepth: 1,
      draftWidth: 1,
      draftDepth: 0,
    };
    expect(() => checkDatasetAgainstConfig(b, cfg)).not.toThrow();
    expect(() => checkDatasetAgainstConfig(b, { ...cfg, K: 2 })).toThrowError(
      /code 2 at flat index 2, outside \[0, 2\)/,
    );
  });

  it('names the missing array or the mismatch', async () => {
    const dir = join(root, 'bad');
    await mkdir(dir);
    await writeFile(join(dir, 'features.npy'), writeNpy(Float32Array.of(1, 2, 3), [3, 1]));
    expect(await subjectOf(readFeatureDataset(dir))).toBe(join(dir, 'tokens.npy'));
    await writeFile(join(dir, 'tokens.npy'), writeNpy(Int32Array.of(0, 1), [2, 1, 1, 1]));
    expect(await subjectOf(readFeatureDataset(dir))).toBe(`${dir}#tokens`);
    expect(await subjectOf(readFeatureDataset(join(root, 'nowhere')))).toBe(join(root, 'nowhere'));
  });
});
