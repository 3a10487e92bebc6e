import { readFile, rename, writeFile } from 'node:fs/promises';
import type { CheckpointTensor } from '../checkpoint/checkpoint-tensor.ts';
import { readSafetensors } from '../checkpoint/safetensors-reader.ts';
import { writeSafetensors } from '../checkpoint/safetensors-writer.ts';
import { HeadsError } from '../errors/heads-error.ts';
import type { HeadsConfig } from '../heads-config.ts';
import type { DraftWeights, MainWeights } from '../model/head-parameters.ts';

/** Where training stands: `main` / `draft` phase with `epoch` epochs of it done (a larger plan continues it). */
export interface TrainState {
  readonly phase: 'main' | 'draft';
  readonly epoch: number;
  readonly config: HeadsConfig;
  readonly main: MainWeights;
  readonly draft: DraftWeights;
  /** The current phase's Adam state in `optimizer.getWeights()` order (float32 values and shapes). */
  readonly optimizer: readonly { readonly shape: readonly number[]; readonly data: Float32Array }[];
  /** Per-epoch metrics so far (free-form JSON). */
  readonly history: readonly unknown[];
}

const f32 = (shape: readonly number[], data: Float32Array): CheckpointTensor => ({ dtype: 'float32', shape, data });

/** Writes the state as safetensors (`main.*`, `draft.*`, `optimizer.{i}`, JSON metadata), atomically. */
export async function saveTrainState(path: string, state: TrainState): Promise<void> {
  const tensors = new Map<string, CheckpointTensor>();
  for (const [n, w] of Object.entries(state.main)) tensors.set(`main.${n}`, f32([w.length], w));
  for (const [n, w] of Object.entries(state.draft)) tensors.set(`draft.${n}`, f32([w.length], w));
  state.optimizer.forEach((t, i) => tensors.set(`optimizer.${i}`, f32(t.shape, t.data)));
  const metadata = new Map([
    ['format', 'rsd-heads-train/1'],
    ['phase', state.phase],
    ['epoch', String(state.epoch)],
    ['config', JSON.stringify(state.config)],
    ['history', JSON.stringify(state.history)],
  ]);
  const tmp = `${path}.partial`;
  try {
    await writeFile(tmp, writeSafetensors(tensors, metadata));
    await rename(tmp, path);
  } catch (cause) {
    throw new HeadsError('IO_ERROR', `cannot write the training checkpoint ${path}: ${(cause as Error).message}`, {
      subject: path,
      cause,
    });
  }
}

/** Reads a state written by {@link saveTrainState}; a foreign or damaged file is an error naming it. */
export async function loadTrainState(path: string): Promise<TrainState> {
  const file = readSafetensors(await readFile(path), { fileName: path });
  const meta = (key: string) => {
    const v = file.metadata.get(key);
    if (v === undefined)
      throw new HeadsError('CHECKPOINT_CORRUPT', `${path}: metadata "${key}" is missing`, {
        subject: `${path}#${key}`,
      });
    return v;
  };
  if (meta('format') !== 'rsd-heads-train/1') {
    throw new HeadsError('CHECKPOINT_CORRUPT', `${path}: not an rsd-heads training checkpoint`, {
      subject: `${path}#format`,
    });
  }
  const phase = meta('phase');
  if (phase !== 'main' && phase !== 'draft') {
    throw new HeadsError('CHECKPOINT_CORRUPT', `${path}: unknown phase "${phase}"`, { subject: `${path}#phase` });
  }
  const main: Record<string, Float32Array> = {};
  const draft: Record<string, Float32Array> = {};
  const optimizer: { shape: readonly number[]; data: Float32Array }[] = [];
  for (const [name, t] of file.tensors) {
    if (!(t.data instanceof Float32Array)) {
      throw new HeadsError('CHECKPOINT_CORRUPT', `${path}: tensor "${name}" is not float32`, { subject: name });
    }
    if (name.startsWith('main.')) main[name.slice(5)] = t.data;
    else if (name.startsWith('draft.')) draft[name.slice(6)] = t.data;
    else if (name.startsWith('optimizer.')) optimizer[Number(name.slice(10))] = { shape: t.shape, data: t.data };
  }
  return {
    phase,
    epoch: Number(meta('epoch')),
    config: JSON.parse(meta('config')) as HeadsConfig,
    main,
    draft,
    optimizer,
    history: JSON.parse(meta('history')) as unknown[],
  };
}
