import { existsSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { HeadsError } from '../errors/heads-error.ts';
import type { CheckpointTensor } from './checkpoint-tensor.ts';
import { checkpointValueToJson, isCheckpointDict, isCheckpointTensor } from './checkpoint-value.ts';
import { loadCheckpoint, parseCheckpoint } from './load-checkpoint.ts';
import { readSafetensors } from './safetensors-reader.ts';
import { readTorchCheckpoint } from './torch-checkpoint-reader.ts';

const DIR = join(import.meta.dirname, '../../test/fixtures/pytorch');
const read = (name: string): Uint8Array => readFileSync(join(DIR, name));

interface Expected {
  dtype: string;
  shape: number[];
  values: (number | boolean)[];
}
const expected = JSON.parse(readFileSync(join(DIR, 'expected.json'), 'utf8')) as Record<
  string,
  { kind: string; tensors?: Record<string, Expected>; scalars?: Record<string, unknown>; state_dict_key?: string }
>;

/** Bit-exact comparison of a decoded tensor against PyTorch's own dump. */
function expectTensor(name: string, t: CheckpointTensor | undefined, e: Expected): void {
  expect(t, name).toBeDefined();
  expect(t!.dtype, name).toBe(e.dtype);
  expect([...t!.shape], name).toEqual(e.shape);
  expect(t!.data.length, name).toBe(e.values.length);
  for (let i = 0; i < e.values.length; i++) {
    const want = e.values[i]!;
    const got = t!.data[i]!;
    if (typeof got === 'bigint') expect(got, `${name}[${i}]`).toBe(BigInt(want as number));
    else if (typeof want === 'boolean') expect(got, `${name}[${i}]`).toBe(want ? 1 : 0);
    else
      expect(
        Object.is(got, want) || (Number.isNaN(got) && Number.isNaN(want)),
        `${name}[${i}]: ${got} vs ${want}`,
      ).toBe(true);
  }
}

function expectAllTensors(file: string, tensors: ReadonlyMap<string, CheckpointTensor>): void {
  const want = expected[file]!.tensors!;
  expect([...tensors.keys()].sort()).toEqual(Object.keys(want).sort());
  for (const [name, e] of Object.entries(want)) expectTensor(`${file}:${name}`, tensors.get(name), e);
}

function rootTensors(file: string): Map<string, CheckpointTensor> {
  const { root } = readTorchCheckpoint(read(file), { fileName: file });
  expect(isCheckpointDict(root)).toBe(true);
  const out = new Map<string, CheckpointTensor>();
  for (const [k, v] of root as ReadonlyMap<string, unknown>) {
    expect(isCheckpointTensor(v as CheckpointTensor), k).toBe(true);
    out.set(k, v as CheckpointTensor);
  }
  return out;
}

describe('readTorchCheckpoint on files written by PyTorch', () => {
  it('reproduces every tensor of a module state_dict exactly (and drops _metadata)', () => {
    const tensors = rootTensors('state_dict.pt');
    expect(tensors.has('_metadata')).toBe(false);
    expectAllTensors('state_dict.pt', tensors);
  });

  it('handles fp16, bf16, int32, bool, 0-d, transposed, offset and shared storages', () => {
    const tensors = rootTensors('tricky_storage.pt');
    expectAllTensors('tricky_storage.pt', tensors);
    expect(tensors.get('scalar')!.shape).toEqual([]);
    expect(tensors.get('half')!.data).toBeInstanceOf(Float32Array);
    expect(tensors.get('ints')!.data).toBeInstanceOf(Int32Array);
  });

  it('reads a training checkpoint: state_dict under "model" plus plain values', () => {
    const file = 'training_checkpoint.pt';
    const loaded = parseCheckpoint(read(file), file);
    expect(loaded.format).toBe('pytorch');
    expect(loaded.stateDictKey).toBe(expected[file]!.state_dict_key);
    expectAllTensors(file, loaded.stateDict);
    const scalars = Object.fromEntries([...loaded.extras].map(([k, v]) => [k, checkpointValueToJson(v)]));
    expect(scalars).toEqual(expected[file]!.scalars);
  });

  it('accepts an explicit state_dict key and names a wrong one', () => {
    const file = 'training_checkpoint.pt';
    expect(parseCheckpoint(read(file), file, { stateDictKey: 'model' }).stateDict.size).toBe(17);
    const err = catchError(() => parseCheckpoint(read(file), file, { stateDictKey: 'ema' }));
    expect(err.code).toBe('CHECKPOINT_MISMATCH');
    expect(err.message).toContain('"ema"');
    expect(catchError(() => parseCheckpoint(read(file), file, { stateDictKey: 'epoch' })).message).toContain(
      'not a state_dict',
    );
  });

  it('loads from disk and picks the format by content', async () => {
    const pt = await loadCheckpoint(join(DIR, 'state_dict.pt'));
    expect(pt.format).toBe('pytorch');
    expectAllTensors('state_dict.pt', pt.stateDict);
    const st = await loadCheckpoint(join(DIR, 'state_dict.safetensors'));
    expect(st.format).toBe('safetensors');
    expectAllTensors('state_dict.safetensors', st.stateDict);
    await expect(loadCheckpoint(join(DIR, 'missing.pt'))).rejects.toMatchObject({ code: 'IO_ERROR' });
  });

  it('refuses the malicious checkpoint, names the global and runs nothing', () => {
    const marker = '/tmp/rsd-pwned';
    const before = existsSync(marker) ? statSync(marker).mtimeMs : undefined;
    const err = catchError(() => readTorchCheckpoint(read('malicious.pt'), { fileName: 'malicious.pt' }));
    expect(err.code).toBe('CHECKPOINT_UNSAFE');
    expect(err.subject).toBe('posix.system');
    expect(err.message).toContain('posix.system');
    expect(err.message).toContain('malicious.pt');
    expect(existsSync(marker) ? statSync(marker).mtimeMs : undefined).toBe(before);
  });

  it('refuses the truncated checkpoint, naming the file', () => {
    const err = catchError(() => parseCheckpoint(read('truncated.pt'), 'truncated.pt'));
    expect(err.code).toBe('CHECKPOINT_CORRUPT');
    expect(err.message).toContain('truncated.pt');
  });

  it('refuses a missing storage entry and a non-checkpoint, naming the file', () => {
    expect(catchError(() => parseCheckpoint(new TextEncoder().encode('hello world'), 'x.bin')).code).toBe(
      'CHECKPOINT_CORRUPT',
    );
  });
});

describe('readSafetensors on a file written by safetensors', () => {
  it('reproduces every tensor exactly', () => {
    expectAllTensors(
      'state_dict.safetensors',
      readSafetensors(read('state_dict.safetensors'), { fileName: 'state_dict.safetensors' }).tensors,
    );
  });
});

function catchError(fn: () => unknown): HeadsError {
  try {
    fn();
  } catch (error) {
    if (HeadsError.isInstance(error)) return error;
    throw error;
  }
  throw new Error('expected a HeadsError, nothing was thrown');
}
