import type { BackboneConfig, BackboneWeights, CheckpointTensor, MainWeights } from '@rsd/heads';
import { backboneParameterShapes } from '@rsd/heads';
import type { AdamTensor } from '@rsd/rfsq';
import { loadTensorFile, saveTensorFile } from './tensor-file.ts';

const CHECKPOINT_FORMAT = 'rsd-train-default-policy-checkpoint/1';
const RESULT_FORMAT = 'rsd-train-default-policy/1';

export interface PolicyEpochMetrics {
  epoch: number;
  trainLoss: number;
  valLoss: number;
  valAccuracyPerLayer: number[];
  seconds: number;
}

/** Everything the policy stage needs to continue after `epoch` epochs exactly as if never stopped. */
export interface PolicyCheckpoint {
  /** Stage key the checkpoint was written under (config + inputs); another key is not resumed. */
  readonly key: string;
  /** Epochs done. */
  readonly epoch: number;
  /** Optimizer steps done (the cosine schedule's position). */
  readonly step: number;
  /** State of the data-order / augmentation generator after `epoch` epochs. */
  readonly rng: number;
  readonly backbone: BackboneWeights;
  readonly main: MainWeights;
  /** Adam's state in `getWeights()` order: [iterations, m…, v…]. */
  readonly adam: readonly AdamTensor[];
  readonly history: readonly PolicyEpochMetrics[];
  /** Samples trained and training seconds so far (samples/s over every session). */
  readonly trained: number;
  readonly trainSeconds: number;
}

const f32 = (shape: readonly number[], data: Float32Array): CheckpointTensor => ({ dtype: 'float32', shape, data });

/** Writes a policy checkpoint as safetensors, atomically (a kill leaves the previous one). */
export async function savePolicyCheckpoint(path: string, cfg: BackboneConfig, c: PolicyCheckpoint): Promise<void> {
  const tensors = new Map<string, CheckpointTensor>();
  for (const [n, s] of backboneParameterShapes(cfg)) tensors.set(`backbone.${n}`, f32(s, c.backbone[n]!));
  for (const [n, w] of Object.entries(c.main)) tensors.set(`main.${n}`, f32([w.length], w));
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

function split(tensors: ReadonlyMap<string, CheckpointTensor>, prefix: string): Record<string, Float32Array> {
  const out: Record<string, Float32Array> = {};
  for (const [name, t] of tensors) if (name.startsWith(prefix)) out[name.slice(prefix.length)] = t.data as Float32Array;
  return out;
}

/** Reads a checkpoint written by {@link savePolicyCheckpoint}. */
export async function loadPolicyCheckpoint(path: string): Promise<PolicyCheckpoint> {
  const { tensors, meta } = await loadTensorFile(path, CHECKPOINT_FORMAT);
  const adam: AdamTensor[] = [];
  for (const [name, t] of tensors)
    if (name.startsWith('adam.')) adam[Number(name.slice(5))] = { shape: t.shape, data: t.data as Float32Array };
  return {
    key: meta('key'),
    epoch: Number(meta('epoch')),
    step: Number(meta('step')),
    rng: Number(meta('rng')),
    backbone: split(tensors, 'backbone.'),
    main: split(tensors, 'main.'),
    adam,
    history: JSON.parse(meta('history')) as PolicyEpochMetrics[],
    trained: Number(meta('trained')),
    trainSeconds: Number(meta('trainSeconds')),
  };
}

/** The policy stage's output: trained weights and the backbone features of every sample. */
export interface PolicyStageOutput {
  readonly backbone: BackboneWeights;
  readonly main: MainWeights;
  /** float32 [N, F]. */
  readonly features: Float32Array;
  readonly history: readonly PolicyEpochMetrics[];
  readonly samplesPerSecond: number;
}

/** Writes the stage output atomically; returns the file's sha256. */
export async function savePolicyOutput(path: string, cfg: BackboneConfig, o: PolicyStageOutput): Promise<string> {
  const tensors = new Map<string, CheckpointTensor>();
  for (const [n, s] of backboneParameterShapes(cfg)) tensors.set(`backbone.${n}`, f32(s, o.backbone[n]!));
  for (const [n, w] of Object.entries(o.main)) tensors.set(`main.${n}`, f32([w.length], w));
  tensors.set('features', f32([o.features.length / cfg.F, cfg.F], o.features));
  return saveTensorFile(path, tensors, {
    format: RESULT_FORMAT,
    history: JSON.stringify(o.history),
    samplesPerSecond: String(o.samplesPerSecond),
  });
}

export async function loadPolicyOutput(path: string): Promise<PolicyStageOutput> {
  const { tensors, meta } = await loadTensorFile(path, RESULT_FORMAT);
  return {
    backbone: split(tensors, 'backbone.'),
    main: split(tensors, 'main.'),
    features: tensors.get('features')!.data as Float32Array,
    history: JSON.parse(meta('history')) as PolicyEpochMetrics[],
    samplesPerSecond: Number(meta('samplesPerSecond')),
  };
}
