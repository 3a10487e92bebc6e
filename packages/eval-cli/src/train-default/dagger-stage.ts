import type * as TfModule from '@tensorflow/tfjs';
import { access } from 'node:fs/promises';
import { join } from 'node:path';
import type { BackboneConfig, CheckpointTensor, HeadsConfig } from '@rsd/heads';
import { EMBEDDED_SPATIAL_TASKS } from '@rsd/libero-bridge';
import type { RfsqTokenizer } from '@rsd/rfsq';
import { EvalError } from '../errors/eval-error.ts';
import type { ProgressStream } from '../progress/progress-reporter.ts';
import { collectDaggerSamples, type DaggerSamples } from './dagger-rollouts.ts';
import { loadPolicyCheckpoint, loadPolicyOutput, savePolicyCheckpoint, savePolicyOutput, type PolicyStageOutput } from './policy-checkpoint.ts';
import { appendDaggerSamples, type PolicyDataset } from './policy-dataset.ts';
import { loadTensorFile, saveTensorFile } from './tensor-file.ts';
import type { TrainDefaultConfig } from './train-default-config.ts';
import { trainPolicy } from './train-policy.ts';
import { inputsOf, type TrainStageRunner } from './train-stage-runner.ts';
import type { StageMarker, TrainWorkDir } from './train-work-dir.ts';

const SAMPLES_FORMAT = 'rsd-train-default-dagger/1';
const exists = (p: string) => access(p).then(() => true, () => false);

/** What the DAgger rounds start from and write with. */
export interface DaggerContext {
  readonly cfg: TrainDefaultConfig;
  readonly slice: unknown;
  readonly runner: TrainStageRunner;
  readonly work: TrainWorkDir;
  readonly tf: typeof TfModule;
  readonly backboneCfg: BackboneConfig;
  readonly headsCfg: HeadsConfig;
  readonly tokenizer: RfsqTokenizer;
  /** The demos' dataset and its split (validation stays the demos' held-out episodes). */
  readonly data: PolicyDataset;
  readonly train: readonly number[];
  readonly val: readonly number[];
  readonly layerWeights: readonly number[] | undefined;
  readonly stream: ProgressStream;
  readonly log: (line: string) => void;
  readonly interrupt: (stage: string, units: number) => void;
  /** Writes a bundle of `policy` without a draft into `dir` (what the rollouts run). */
  readonly writeRolloutBundle: (dir: string, policy: PolicyStageOutput) => Promise<void>;
}

/** The rounds' outcome: the last policy, its stage marker, the dataset it was trained on and each round's rollout summary. */
export interface DaggerOutcome {
  readonly policy: PolicyStageOutput;
  readonly marker: StageMarker;
  readonly data: PolicyDataset;
  readonly rounds: readonly { round: number; episodes: number; successes: number; samples: number }[];
}

async function saveSamples(path: string, s: DaggerSamples): Promise<string> {
  const S = s.imageSize;
  const t = new Map<string, CheckpointTensor>([
    ['images', { dtype: 'uint8', shape: [s.N, S, S, 3], data: s.images }],
    ['proprio', { dtype: 'float32', shape: [s.N, 5], data: s.proprio }],
    ['actions', { dtype: 'float32', shape: [s.N, s.chunk, 7], data: s.actions }],
    ['taskOf', { dtype: 'int32', shape: [s.N], data: s.taskOf }],
  ]);
  return saveTensorFile(path, t, { format: SAMPLES_FORMAT, episodes: String(s.episodes), successes: String(s.successes) });
}

async function loadSamples(path: string): Promise<DaggerSamples> {
  const { tensors, meta } = await loadTensorFile(path, SAMPLES_FORMAT);
  const get = (n: string) => {
    const x = tensors.get(n);
    if (x === undefined) throw new RangeError(`${path}: tensor "${n}" is missing`);
    return x;
  };
  const images = get('images');
  return {
    N: images.shape[0]!,
    imageSize: images.shape[1]!,
    chunk: get('actions').shape[1]!,
    images: images.data as Uint8Array,
    proprio: get('proprio').data as Float32Array,
    actions: get('actions').data as Float32Array,
    taskOf: get('taskOf').data as Int32Array,
    episodes: Number(meta('episodes')),
    successes: Number(meta('successes')),
  };
}

/**
 * `cfg.dagger.rounds` rounds of DAgger after the base policy. Round r is two stages:
 * `dagger-r-rollouts` (the current policy's visited states with the expert's chunks; its
 * rollout bundle is kept in the stage folder) and `dagger-r-train` (backbone + main head
 * fine-tuned from the current policy on demos + every round's samples so far, checkpointed
 * after every epoch like the policy stage). Each stage is keyed on the one before, so the
 * rounds resume and reuse like every other stage.
 */
export async function runDaggerRounds(base: { policy: PolicyStageOutput; marker: StageMarker }, c: DaggerContext): Promise<DaggerOutcome> {
  const { cfg, runner, work, log } = c;
  let policy = base.policy;
  let marker = base.marker;
  let data = c.data;
  const samples: DaggerSamples[] = [];
  const summary: { round: number; episodes: number; successes: number; samples: number }[] = [];
  for (let round = 1; round <= cfg.dagger.rounds; round++) {
    const current = policy;
    const rollouts = await runner.stage(
      `dagger-${round}-rollouts`,
      c.slice,
      inputsOf(marker),
      async (_, dir) => {
        const bundle = join(dir, 'bundle');
        await c.writeRolloutBundle(bundle, current);
        const s = await collectDaggerSamples(
          bundle,
          { tasks: cfg.tasks, episodesPerTask: cfg.dagger.episodesPerTask, seed: cfg.seed, round, maxSteps: cfg.dagger.maxSteps, execution: cfg.dagger.execution },
          log,
        );
        const outputSha256 = await saveSamples(join(dir, 'samples.safetensors'), s);
        c.interrupt(`dagger-${round}-rollouts`, 1);
        return { value: s, result: { outputSha256, N: s.N, episodes: s.episodes, successes: s.successes } };
      },
      (_, dir) => loadSamples(join(dir, 'samples.safetensors')),
    );
    samples.push(rollouts.value);
    summary.push({ round, episodes: rollouts.value.episodes, successes: rollouts.value.successes, samples: rollouts.value.N });
    log(
      `[train-default] dagger round ${round}: the policy before it solved ${rollouts.value.successes}/${rollouts.value.episodes} rollouts; ${rollouts.value.N} labelled states`,
    );
    data = appendDaggerSamples(c.data, samples, c.tokenizer, (t) => EMBEDDED_SPATIAL_TASKS[t]!.instruction, {
      vocabSize: c.backboneCfg.vocabSize,
      maxTokens: c.backboneCfg.maxTokens,
    });
    const train = [...c.train, ...Array.from({ length: data.N - c.data.N }, (_, i) => c.data.N + i)];
    const name = `dagger-${round}-train`;
    const inputs = inputsOf(rollouts.marker, marker);
    const trained = await runner.stage(
      name,
      c.slice,
      inputs,
      async (resume, dir) => {
        const ckpt = join(dir, 'checkpoint.safetensors');
        const key = work.key(name, c.slice, inputs);
        const saved = resume && (await exists(ckpt)) ? await loadPolicyCheckpoint(ckpt) : undefined;
        if (saved !== undefined && saved.key !== key) throw new EvalError('RESUME_MISMATCH', `${ckpt}: written for other inputs; pass --fresh`, { subject: ckpt });
        const p = await trainPolicy(
          c.tf,
          data,
          {
            backbone: c.backboneCfg,
            heads: c.headsCfg,
            backboneInit: current.backbone,
            mainInit: current.main,
            epochs: cfg.dagger.epochs,
            batchSize: cfg.batchSize,
            learningRate: cfg.dagger.learningRate,
            lrSchedule: cfg.lrSchedule,
            shift: cfg.shift,
            seed: cfg.seed + round,
            ...(c.layerWeights === undefined ? {} : { layerWeights: c.layerWeights }),
            val: c.val,
            train,
            ...(saved === undefined ? {} : { resumeFrom: saved }),
            checkpoint: async (state) => {
              await savePolicyCheckpoint(ckpt, c.backboneCfg, { ...state, key });
              c.interrupt(name, state.epoch);
            },
            progress: c.stream,
            stageName: name,
            workers: cfg.dagger.trainWorkers,
          },
          log,
        );
        const outputSha256 = await savePolicyOutput(join(dir, 'policy.safetensors'), c.backboneCfg, p);
        return { value: p, result: { outputSha256, samplesPerSecond: p.samplesPerSecond, samples: train.length, last: p.history[p.history.length - 1] } };
      },
      (_, dir) => loadPolicyOutput(join(dir, 'policy.safetensors')),
    );
    policy = trained.value;
    marker = trained.marker;
  }
  return { policy, marker, data, rounds: summary };
}
