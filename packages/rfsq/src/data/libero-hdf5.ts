import h5wasm from 'h5wasm/node';
import { existsSync, readFileSync } from 'node:fs';
import { RfsqError } from '../errors/rfsq-error.ts';

/** One demonstration's actions: float64 [T, A]. */
export interface ActionEpisode {
  /** Where it came from, e.g. `demos.hdf5#data/demo_3/actions`. */
  readonly source: string;
  readonly actions: Float64Array;
  readonly T: number;
  readonly A: number;
}

const HDF5_SIGNATURE = [0x89, 0x48, 0x44, 0x46, 0x0d, 0x0a, 0x1a, 0x0a];

/**
 * Reads `data/demo_*\/actions` (float [T, A]) from a LIBERO-layout HDF5 file, demos in numeric
 * order. A missing `data` group, a demo without `actions`, a non-2-D dataset, width ≠ `A` or a
 * non-finite value is an RfsqError naming the file and the field.
 */
export async function readLiberoActions(file: string, A: number): Promise<ActionEpisode[]> {
  const fail = (code: 'MISSING_FIELD' | 'INVALID_DATA' | 'NON_FINITE' | 'IO_ERROR' | 'EMPTY_DATASET', field: string, why: string): never => {
    throw new RfsqError(code, `${file}: ${field} ${why}`, { subject: `${file}#${field}` });
  };
  if (!existsSync(file)) fail('IO_ERROR', '(file)', 'does not exist');
  const head = readFileSync(file).subarray(0, 8);
  if (HDF5_SIGNATURE.some((b, i) => head[i] !== b)) fail('INVALID_DATA', '(file)', 'is not an HDF5 file');
  await h5wasm.ready;
  const h5 = new h5wasm.File(file, 'r');
  try {
    const data = h5.keys().includes('data') ? h5.get('data') : null;
    if (!(data instanceof h5wasm.Group)) fail('MISSING_FIELD', 'data', 'group is missing (LIBERO layout: data/demo_N/actions)');
    const demos = (data as InstanceType<typeof h5wasm.Group>)
      .keys()
      .filter((k) => /^demo_\d+$/.test(k))
      .sort((a, b) => Number(a.slice(5)) - Number(b.slice(5)));
    if (demos.length === 0) fail('EMPTY_DATASET', 'data', 'has no demo_N groups');
    return demos.map((demo) => {
      const field = `data/${demo}/actions`;
      const group = h5.get(`data/${demo}`);
      const ds = group instanceof h5wasm.Group && group.keys().includes('actions') ? group.get('actions') : null;
      if (!(ds instanceof h5wasm.Dataset)) return fail('MISSING_FIELD', field, 'is missing');
      const shape = ds.shape ?? [];
      if (shape.length !== 2) return fail('INVALID_DATA', field, `must be 2-D [T, ${A}], got shape [${shape.join(', ')}]`);
      const [T, width] = shape as [number, number];
      if (width !== A) return fail('INVALID_DATA', field, `has width ${width}, expected ${A}`);
      const raw = ds.value;
      if (!(raw instanceof Float64Array || raw instanceof Float32Array)) {
        return fail('INVALID_DATA', field, `must hold floats, got dtype ${JSON.stringify(ds.dtype)}`);
      }
      const actions = Float64Array.from(raw);
      const bad = actions.findIndex((v) => !Number.isFinite(v));
      if (bad >= 0) fail('NON_FINITE', field, `holds ${actions[bad]} at [${Math.floor(bad / A)}, ${bad % A}]`);
      return { source: `${file}#${field}`, actions, T, A };
    });
  } finally {
    h5.close();
  }
}

/**
 * Writes episodes in LIBERO's layout: `data` (attributes `total`, `env_args`),
 * `data/demo_N/actions` float64 [T, A] with attribute `num_samples`. For fixtures and for
 * users converting their own demos.
 */
export async function writeLiberoActions(file: string, episodes: readonly { actions: Float64Array; T: number }[], A: number): Promise<void> {
  await h5wasm.ready;
  const h5 = new h5wasm.File(file, 'w');
  try {
    const data = h5.create_group('data');
    data.create_attribute('total', episodes.reduce((n, e) => n + e.T, 0));
    data.create_attribute('env_args', JSON.stringify({ env_name: 'generated', type: 1, env_kwargs: {} }));
    episodes.forEach((e, i) => {
      if (e.actions.length !== e.T * A) throw new RangeError(`episodes[${i}].actions must be float64 [${e.T}, ${A}]`);
      const g = h5.create_group(`data/demo_${i}`);
      g.create_dataset({ name: 'actions', data: e.actions, shape: [e.T, A], dtype: '<d' });
      g.create_attribute('num_samples', e.T);
    });
  } finally {
    h5.close();
  }
}
