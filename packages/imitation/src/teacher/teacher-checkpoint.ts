import type { CheckpointTensor } from '@rsd/heads';
import type { AdamTensor } from '@rsd/rfsq';
import { loadTensorFile, saveTensorFile } from '../tensor-file.ts';
import { teacherParameterShapes, type TeacherModelConfig, type TeacherWeights } from './teacher-model.ts';

const CHECKPOINT_FORMAT = 'rsd-imitation-teacher-checkpoint/1';
const WEIGHTS_FORMAT = 'rsd-imitation-teacher-weights/1';

export interface TeacherEpochMetrics {
  readonly epoch: number;
  /** Mean L1 on the z-scored chunk over the epoch's (augmented) minibatches. */
  readonly trainL1: number;
  readonly seconds: number;
  readonly samplesPerSecond: number;
}

/** Everything the teacher stage needs to continue after `epoch` epochs exactly as if never stopped. */
export interface TeacherCheckpoint {
  /** Stage key it was written under; another key is not resumed. */
  readonly key: string;
  readonly epoch: number;
  /** Optimizer steps done (the schedule's position). */
  readonly step: number;
  /** State of the order / augmentation generator. */
  readonly rng: number;
  readonly weights: TeacherWeights;
  /** Adam's state in `getWeights()` order. */
  readonly adam: readonly AdamTensor[];
  readonly history: readonly TeacherEpochMetrics[];
  readonly trained: number;
  readonly trainSeconds: number;
}

const f32 = (shape: readonly number[], data: Float32Array): CheckpointTensor => ({ dtype: 'float32', shape, data });

function weightTensors(cfg: TeacherModelConfig, w: TeacherWeights, into = new Map<string, CheckpointTensor>()): Map<string, CheckpointTensor> {
  for (const [n, s] of teacherParameterShapes(cfg)) {
    const v = w[n];
    if (v === undefined) throw new RangeError(`teacher weights: "${n}" is missing`);
    into.set(`w.${n}`, f32(s, v));
  }
  return into;
}

function readWeightTensors(tensors: ReadonlyMap<string, CheckpointTensor>): TeacherWeights {
  const out: TeacherWeights = {};
  for (const [name, t] of tensors) if (name.startsWith('w.')) out[name.slice(2)] = t.data as Float32Array;
  return out;
}

/** Writes a checkpoint atomically (a kill leaves the previous one). */
export async function saveTeacherCheckpoint(path: string, cfg: TeacherModelConfig, c: TeacherCheckpoint): Promise<void> {
  const tensors = weightTensors(cfg, c.weights);
  c.adam.forEach((t, i) => tensors.set(`adam.${i}`, f32(t.shape, t.data)));
  await saveTensorFile(path, tensors, {
    format: CHECKPOINT_FORMAT,
    key: c.key,
    epoch: String(c.epoch),
    step: String(c.step),
    rng: String(c.rng),
    history: JSON.stringify(c.history),
    trained: String(c.trained),
    trainSeconds: String(c.trainSeconds),
  });
}

export async function loadTeacherCheckpoint(path: string): Promise<TeacherCheckpoint> {
  const { tensors, meta } = await loadTensorFile(path, CHECKPOINT_FORMAT);
  const adam: AdamTensor[] = [];
  for (const [name, t] of tensors) if (name.startsWith('adam.')) adam[Number(name.slice(5))] = { shape: t.shape, data: t.data as Float32Array };
  return {
    key: meta('key'),
    epoch: Number(meta('epoch')),
    step: Number(meta('step')),
    rng: Number(meta('rng')),
    weights: readWeightTensors(tensors),
    adam,
    history: JSON.parse(meta('history')) as TeacherEpochMetrics[],
    trained: Number(meta('trained')),
    trainSeconds: Number(meta('trainSeconds')),
  };
}

/** Writes the weights alone (an epoch snapshot, or the chosen teacher); returns the file's sha256. */
export function saveTeacherWeights(path: string, cfg: TeacherModelConfig, w: TeacherWeights, meta: Readonly<Record<string, string>>): Promise<string> {
  return saveTensorFile(path, weightTensors(cfg, w), { format: WEIGHTS_FORMAT, ...meta });
}

export async function loadTeacherWeights(path: string): Promise<{ weights: TeacherWeights; meta: (key: string) => string }> {
  const { tensors, meta } = await loadTensorFile(path, WEIGHTS_FORMAT);
  return { weights: readWeightTensors(tensors), meta };
}
