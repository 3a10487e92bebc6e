import { readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { readSafetensors } from '../checkpoint/safetensors-reader.ts';
import { HeadsError } from '../errors/heads-error.ts';
import type { HeadsConfig } from '../heads-config.ts';
import { readNpy } from './npy-file.ts';

/**
 * A feature dataset for head training: backbone features and the RFSQ tokens of the matching
 * action chunks. On disk either
 * - one `.safetensors` file with tensors `features` [N, F] (float) and `tokens` [N, C, H, L] (int), or
 * - a folder with `features.npy` [N, F] and `tokens.npy` [N, C, H, L].
 */
export interface FeatureDataset {
  readonly N: number;
  readonly F: number;
  readonly C: number;
  readonly H: number;
  readonly L: number;
  /** float32 [N, F] */
  readonly features: Float32Array;
  /** int32 [N, C, H, L] */
  readonly tokens: Int32Array;
}

function fail(subject: string, why: string): never {
  throw new HeadsError('INVALID_SHAPE', `${subject}: ${why}`, { subject });
}

/** Builds a dataset from arrays, checking shapes (names the array in errors). */
export function featureDataset(
  features: { shape: readonly number[]; data: Float32Array | Int32Array },
  tokens: { shape: readonly number[]; data: Float32Array | Int32Array },
  source: string,
): FeatureDataset {
  if (features.shape.length !== 2) fail(`${source}#features`, `must be [N, F], got [${features.shape.join(', ')}]`);
  if (tokens.shape.length !== 4) fail(`${source}#tokens`, `must be [N, C, H, L], got [${tokens.shape.join(', ')}]`);
  if (!(features.data instanceof Float32Array)) fail(`${source}#features`, 'must be a float array');
  if (!(tokens.data instanceof Int32Array)) fail(`${source}#tokens`, 'must be an integer array');
  const [N, F] = features.shape as [number, number];
  const [Nt, C, H, L] = tokens.shape as [number, number, number, number];
  if (N !== Nt) fail(`${source}#tokens`, `has ${Nt} rows but features has ${N}`);
  if (N < 1) fail(`${source}#features`, 'is empty');
  return { N, F, C, H, L, features: features.data, tokens: tokens.data };
}

/** Reads a dataset from a `.safetensors` file or a folder of `.npy` files (see {@link FeatureDataset}). */
export async function readFeatureDataset(path: string): Promise<FeatureDataset> {
  let isDir: boolean;
  try {
    isDir = (await stat(path)).isDirectory();
  } catch (cause) {
    throw new HeadsError('IO_ERROR', `cannot read the dataset ${path}: ${(cause as Error).message}`, {
      subject: path,
      cause,
    });
  }
  if (isDir) {
    const load = async (name: string) => {
      const file = join(path, name);
      const bytes = await readFile(file).catch((cause: unknown) => {
        throw new HeadsError('IO_ERROR', `cannot read ${file}: ${(cause as Error).message}`, { subject: file, cause });
      });
      return readNpy(bytes, file);
    };
    return featureDataset(await load('features.npy'), await load('tokens.npy'), path);
  }
  const file = readSafetensors(await readFile(path), { fileName: path });
  const get = (name: string) => {
    const t = file.tensors.get(name) ?? fail(`${path}#${name}`, 'is missing');
    const d = t.data;
    const data =
      d instanceof Float32Array
        ? d
        : d instanceof Float64Array
          ? Float32Array.from(d)
          : d instanceof BigInt64Array
            ? Int32Array.from(d, Number)
            : Int32Array.from(d);
    return { shape: t.shape, data };
  };
  return featureDataset(get('features'), get('tokens'), path);
}

/** Checks the dataset against a heads config: F, C, H, L and codes in [0, K). */
export function checkDatasetAgainstConfig(data: FeatureDataset, cfg: HeadsConfig, source = 'dataset'): void {
  for (const f of ['F', 'C', 'H', 'L'] as const) {
    if (data[f] !== cfg[f]) fail(`${source}#${f}`, `is ${data[f]} but the heads config has ${f} = ${cfg[f]}`);
  }
  for (let i = 0; i < data.tokens.length; i++) {
    const v = data.tokens[i]!;
    if (v < 0 || v >= cfg.K) fail(`${source}#tokens`, `holds code ${v} at flat index ${i}, outside [0, ${cfg.K})`);
  }
}
