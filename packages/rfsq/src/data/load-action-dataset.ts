import { createHash } from 'node:crypto';
import { existsSync, readFileSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { RfsqError } from '../errors/rfsq-error.ts';
import { cutActionChunks } from './action-chunks.ts';
import { readLiberoActions } from './libero-hdf5.ts';
import { decodeNpy, npyToFloat64 } from '../io/npy.ts';

/** Provenance of one input file. */
export interface DataSource {
  readonly file: string;
  readonly sha256: string;
  readonly kind: 'libero-hdf5' | 'npy-episode' | 'npy-chunks';
  /** Episodes read (1 for a `.npy` episode, 0 for `.npy` chunks). */
  readonly episodes: number;
  /** Action rows read (steps, or chunks·C). */
  readonly rows: number;
  readonly chunks: number;
}

/** Training data in environment units. */
export interface ActionDataset {
  /** float32 [N, C, A]: chunks cut with the stride (tail padded by repeating the last action). */
  readonly chunks: Float32Array;
  readonly N: number;
  /** float64 [R, A]: every action row read (for normalisation statistics). */
  readonly rows: Float64Array;
  readonly sources: readonly DataSource[];
}

const EXTENSIONS = ['.hdf5', '.h5', '.npy'];

function expand(path: string): string[] {
  if (!existsSync(path)) throw new RfsqError('IO_ERROR', `${path}: does not exist`, { subject: path });
  if (!statSync(path).isDirectory()) return [path];
  return readdirSync(path)
    .sort()
    .flatMap((name) => {
      const p = join(path, name);
      return statSync(p).isDirectory() ? expand(p) : EXTENSIONS.some((e) => name.endsWith(e)) ? [p] : [];
    });
}

/**
 * Loads LIBERO HDF5 demos (`data/demo_*\/actions` [T, A]) and `.npy` arrays ([T, A] per
 * episode or [N, C, A] chunks) from files and directories (searched recursively for
 * `.hdf5`/`.h5`/`.npy`). Every problem is an RfsqError naming the file and field; no data is
 * an `EMPTY_DATASET` error.
 */
export async function loadActionDataset(
  paths: readonly string[],
  options: { A: number; C: number; stride: number },
): Promise<ActionDataset> {
  const { A, C, stride } = options;
  const files = paths.flatMap(expand);
  const chunkParts: Float32Array[] = [];
  const rowParts: Float64Array[] = [];
  const sources: DataSource[] = [];
  for (const file of files) {
    const bytes = readFileSync(file);
    const sha256 = createHash('sha256').update(bytes).digest('hex');
    if (file.endsWith('.npy')) {
      const decoded = decodeNpy(bytes, file);
      const arr = { shape: decoded.shape, data: npyToFloat64(decoded) };
      const bad = arr.data.findIndex((v) => !Number.isFinite(v));
      if (bad >= 0) throw new RfsqError('NON_FINITE', `${file}: array holds ${arr.data[bad]} at flat index ${bad}`, { subject: `${file}#data` });
      if (arr.shape.length === 2 && arr.shape[1] === A) {
        const T = arr.shape[0]!;
        const chunks = cutActionChunks(arr.data, T, A, C, stride);
        chunkParts.push(chunks);
        rowParts.push(arr.data);
        sources.push({ file, sha256, kind: 'npy-episode', episodes: 1, rows: T, chunks: chunks.length / (C * A) });
      } else if (arr.shape.length === 3 && arr.shape[1] === C && arr.shape[2] === A) {
        chunkParts.push(Float32Array.from(arr.data));
        rowParts.push(arr.data);
        sources.push({ file, sha256, kind: 'npy-chunks', episodes: 0, rows: arr.shape[0]! * C, chunks: arr.shape[0]! });
      } else {
        throw new RfsqError(
          'INVALID_DATA',
          `${file}: array shape [${arr.shape.join(', ')}] is neither [T, ${A}] (episode) nor [N, ${C}, ${A}] (chunks)`,
          { subject: `${file}#shape` },
        );
      }
    } else {
      const episodes = await readLiberoActions(file, A);
      let chunks = 0;
      for (const e of episodes) {
        const c = cutActionChunks(e.actions, e.T, A, C, stride);
        chunkParts.push(c);
        rowParts.push(e.actions);
        chunks += c.length / (C * A);
      }
      sources.push({ file, sha256, kind: 'libero-hdf5', episodes: episodes.length, rows: episodes.reduce((n, e) => n + e.T, 0), chunks });
    }
  }
  const N = chunkParts.reduce((n, c) => n + c.length, 0) / (C * A);
  if (N === 0) {
    throw new RfsqError('EMPTY_DATASET', `no action chunks in ${files.length === 0 ? `[${paths.join(', ')}] (no .hdf5/.h5/.npy files)` : files.join(', ')}`, {
      subject: paths.join(','),
    });
  }
  return { chunks: concat(chunkParts, Float32Array), N, rows: concat(rowParts, Float64Array), sources };
}

function concat<T extends Float32Array | Float64Array>(parts: T[], Ctor: { new (n: number): T }): T {
  const out = new Ctor(parts.reduce((n, p) => n + p.length, 0));
  let o = 0;
  for (const p of parts) {
    out.set(p, o);
    o += p.length;
  }
  return out;
}
