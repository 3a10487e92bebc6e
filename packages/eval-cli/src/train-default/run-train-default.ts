import type * as TfModule from '@tensorflow/tfjs';
import { execFileSync } from 'node:child_process';
import { access, cp, mkdir, readFile, rename, rm } from 'node:fs/promises';
import { basename, dirname, join, resolve } from 'node:path';
import {
  featureDataset,
  loadTrainState,
  registerWasmTrainingKernels,
  saveTrainState,
  trainHeads,
  type BackboneConfig,
  type BundleManifest,
  type CheckpointTensor,
  type HeadsConfig,
  type TrainReport,
} from '@rsd/heads';
import { randomHeadWeights } from '@rsd/heads/testing';
import { loadRfsqParams, RfsqTokenizer, selectTfBackend } from '@rsd/rfsq';
import { trainRfsq, TRAIN_DEFAULTS, type ProgressSink } from '@rsd/rfsq/train';
import { readBundle } from '@rsd/rsd-engine';
import { EvalError } from '../errors/eval-error.ts';
import type { ProgressStream } from '../progress/progress-reporter.ts';
import { collectOnPolicyFeatures } from './collect-onpolicy-features.ts';
import { writeDefaultBundle } from './default-bundle.ts';
import { runDemoStage } from './demo-stage.ts';
import { loadPolicyCheckpoint, loadPolicyOutput, savePolicyCheckpoint, savePolicyOutput, type PolicyStageOutput } from './policy-checkpoint.ts';
import { buildPolicyDataset, type PolicyDataset } from './policy-dataset.ts';
import { runDaggerRounds } from './dagger-stage.ts';
import { redistillDraft } from './redistill-draft.ts';
import { StageProgress } from './stage-progress.ts';
import { loadTensorFile, saveTensorFile } from './tensor-file.ts';
import { checkTrainDefaultConfig, PROPRIO_SIZE, stageSlices, type TrainDefaultConfig } from './train-default-config.ts';
import { trainPolicy } from './train-policy.ts';
import { inputsOf, TrainStageRunner } from './train-stage-runner.ts';
import { sha256, TrainWorkDir } from './train-work-dir.ts';

export interface TrainDefaultOptions {
  readonly config: TrainDefaultConfig;
  /** Bundle folder to write (replaced when `overwrite`; checked before any work). */
  readonly out: string;
  /** Stage outputs, checkpoints and markers; default `<out>.work`. A rerun resumes in it. */
  readonly workDir?: string;
  readonly overwrite?: boolean;
  /** Discard an existing work folder (needed when the config changed). */
  readonly fresh?: boolean;
}

export interface TrainDefaultDeps {
  readonly log: (line: string) => void;
  /** The TF.js module and backend name; default: `selectTfBackend()` (+ the wasm training kernels). */
  readonly tf?: { tf: typeof TfModule; backend: string };
  /** Progress lines and, on a TTY, status lines (default: piped lines through `log`). */
  readonly progress?: ProgressStream;
  /**
   * Test hook, called at every unit boundary of a stage (`units` = epochs or tasks finished,
   * the last one's checkpoint possibly not yet written). A throw stops the run there, as a kill would.
   */
  readonly interrupt?: (stage: string, units: number) => void;
}

export interface TrainDefaultResult {
  readonly out: string;
  readonly manifest: BundleManifest;
  /** Seconds per stage (a reused stage: the seconds it took when it ran). */
  readonly stageSeconds: Readonly<Record<string, number>>;
  /** Stages found finished in the work folder and reused. */
  readonly reused: readonly string[];
  /** Training samples of the final policy (demos + DAgger). */
  readonly samples: number;
  /** Each DAgger round's rollouts: the policy's successes before the round and its labelled states. */
  readonly daggerRounds: readonly { round: number; episodes: number; successes: number; samples: number }[];
  readonly policyHistory: readonly unknown[];
  readonly draft: TrainReport['draftVsMainGreedy'];
}

function gitCommit(): string {
  try {
    return execFileSync('git', ['rev-parse', 'HEAD'], { stdio: ['ignore', 'pipe', 'ignore'] })
      .toString()
      .trim();
  } catch (cause) {
    return `unknown (${(cause as Error).message.split('\n')[0]})`;
  }
}

const exists = (p: string) => access(p).then(() => true, () => false);
const shaOf = (a: ArrayBufferView) => sha256(new Uint8Array(a.buffer, a.byteOffset, a.byteLength));

/**
 * The embedded-default pipeline: expert demos (training init states) → RFSQ → policy dataset →
 * backbone + main head (joint, token cross-entropy, random-shift augmentation) → draft head
 * distilled to main's greedy tokens on the backbone's features → bundle → (optional) on-policy
 * rollouts and draft re-distillation → `out`. Every stage leaves its outputs and a marker in the
 * work folder; a rerun with the same config reuses finished stages and resumes an interrupted
 * one from its last checkpoint (the policy stage: after every epoch), with the same bytes.
 */
export async function runTrainDefault(options: TrainDefaultOptions, deps: TrainDefaultDeps): Promise<TrainDefaultResult> {
  const cfg = options.config;
  checkTrainDefaultConfig(cfg);
  const out = resolve(options.out);
  const { log } = deps;
  if (!options.overwrite && (await exists(out)))
    throw new EvalError('IO_ERROR', `${out} already exists (pass --overwrite to replace it)`, { subject: '--out' });
  const work = await TrainWorkDir.open(resolve(options.workDir ?? `${out}.work`), cfg, { fresh: options.fresh ?? false, log });
  const runner = new TrainStageRunner(work, log);
  const slices = stageSlices(cfg);
  const stream = deps.progress ?? { write: (t: string) => log(t.replace(/\n$/, '')) };
  const interrupt = deps.interrupt ?? (() => undefined);
  const { tf, backend } =
    deps.tf ??
    (await (async () => {
      const s = await selectTfBackend({ log });
      if (s.backend === 'wasm') registerWasmTrainingKernels(s.tf);
      return { tf: s.tf, backend: s.backend };
    })());

  const demoStage = (resume: boolean, dir: string) =>
    runDemoStage({ tasks: cfg.tasks, perTask: cfg.demosPerTask, seed: cfg.seed, imageSize: cfg.imageSize, dir, resume }, log, {
      isTTY: stream.isTTY,
      write: (t) => {
        stream.write(t);
        const m = /demos task (\d+)\/\d+ \(/.exec(t);
        if (m) interrupt('demos', Number(m[1]));
      },
    } as ProgressStream);
  const demosStage = await runner.stage(
    'demos',
    slices.demos,
    [],
    async (resume, dir) => {
      const value = await demoStage(resume, dir);
      return { value, result: { outputSha256: value.sha256, failures: value.failures } };
    },
    (_, dir) => demoStage(true, dir),
  );
  const demos = demosStage.value;

  const rfsqStage = await runner.stage(
    'rfsq',
    slices.rfsq,
    inputsOf(demosStage.marker),
    async (resume, dir) => {
      const tokDir = join(dir, 'tokenizer');
      const canResume = resume && ((await exists(join(`${tokDir}.partial`, 'checkpoint', 'rfsq.json'))) || (await exists(join(tokDir, 'rfsq.json'))));
      const progress = new StageProgress(stream, { stage: 'rfsq', unitName: 'epoch', total: cfg.rfsq.epochs });
      const sink: ProgressSink = {
        step: (i) => progress.tick(i.step + 1, i.stepsPerEpoch, 0),
        epoch: (i) => {
          progress.unit(0, `loss ${i.loss.toExponential(4)}`);
          interrupt('rfsq', i.epoch + 1);
        },
        done: () => undefined,
      };
      const r = await trainRfsq(
        {
          ...TRAIN_DEFAULTS,
          data: demos.actionFiles,
          out: tokDir,
          variant: cfg.rfsq.variant,
          layers: cfg.rfsq.layers,
          levels: [cfg.rfsq.levels],
          latentDim: cfg.rfsq.latentDim,
          epochs: cfg.rfsq.epochs,
          hidden: cfg.rfsq.hidden,
          seed: cfg.seed,
          resume: canResume,
        },
        { log, progress: sink, selectBackend: async () => ({ tf, backend: backend as 'wasm', provider: 'train-default' }) },
      );
      const enc = await readFile(join(tokDir, 'rfsq_encoder.onnx'));
      const dec = await readFile(join(tokDir, 'rfsq_decoder.onnx'));
      return { value: r.report.mse, result: { outputSha256: sha256(enc, dec), mse: r.report.mse } };
    },
    async (m) => m.result['mse'] as number,
  );
  const rfsqDir = join(work.stageDir('rfsq'), 'tokenizer');
  const { params } = loadRfsqParams(rfsqDir);
  const tokenizer = new RfsqTokenizer(params);
  const { C, A, H, L, K } = params.config;

  const backboneCfg: BackboneConfig = { ...cfg.backbone, imageSize: cfg.imageSize, proprioSize: PROPRIO_SIZE, F: cfg.heads.F };
  const headsCfg: HeadsConfig = { ...cfg.heads, C, H, L, K };
  // derived in memory from demos + tokenizer in seconds: recomputed, not stored
  const data = await runner.timed('dataset', () =>
    buildPolicyDataset(demos.tasks, tokenizer, { imageSize: cfg.imageSize, vocabSize: backboneCfg.vocabSize, maxTokens: backboneCfg.maxTokens }),
  );
  log(`[train-default] dataset: ${data.N} samples, image ${cfg.imageSize}x${cfg.imageSize}, tokens [${C},${H},${L}] K=${K}`);

  // validation = whole demos (every 10th demo of each task), so val frames are never neighbours of train frames
  const demoIndex: number[] = [];
  let d = 0;
  for (const t of demos.tasks)
    for (const e of t.demos) {
      for (let i = 0; i < e.actions.length / A; i++) demoIndex.push(d);
      d++;
    }
  const val = demoIndex.flatMap((di, i) => (di % 10 === 9 ? [i] : []));
  const train = demoIndex.flatMap((di, i) => (di % 10 === 9 ? [] : [i]));
  const init = randomHeadWeights(headsCfg, cfg.seed);
  const sqrtScales = params.layerScales.map((x) => Math.sqrt(x));
  const layerWeights =
    cfg.layerWeighting === 'sqrt-scale' ? sqrtScales.map((x) => (x * L) / sqrtScales.reduce((a, b) => a + b, 0)) : undefined;

  const policyStage = await runner.stage(
    'policy',
    slices.policy,
    inputsOf(demosStage.marker, rfsqStage.marker),
    async (resume, dir) => {
      const ckpt = join(dir, 'checkpoint.safetensors');
      const key = work.key('policy', slices.policy, inputsOf(demosStage.marker, rfsqStage.marker));
      const saved = resume && (await exists(ckpt)) ? await loadPolicyCheckpoint(ckpt) : undefined;
      if (saved !== undefined && saved.key !== key) throw new EvalError('RESUME_MISMATCH', `${ckpt}: written for other inputs; pass --fresh`, { subject: ckpt });
      if (saved !== undefined) log(`[train-default] policy: resuming from ${ckpt} after epoch ${saved.epoch}/${cfg.epochs}`);
      const p = await trainPolicy(
        tf,
        data,
        {
          backbone: backboneCfg,
          heads: headsCfg,
          mainInit: init.main,
          epochs: cfg.epochs,
          batchSize: cfg.batchSize,
          learningRate: cfg.learningRate,
          lrSchedule: cfg.lrSchedule,
          shift: cfg.shift,
          seed: cfg.seed,
          ...(layerWeights === undefined ? {} : { layerWeights }),
          val: val.length > 0 ? val : train.slice(0, 1),
          train,
          ...(saved === undefined ? {} : { resumeFrom: saved }),
          checkpoint: async (state) => {
            await savePolicyCheckpoint(ckpt, backboneCfg, { ...state, key });
            interrupt('policy', state.epoch);
          },
          progress: stream,
        },
        log,
      );
      const outputSha256 = await savePolicyOutput(join(dir, 'policy.safetensors'), backboneCfg, p);
      return { value: p, result: { outputSha256, samplesPerSecond: p.samplesPerSecond, last: p.history[p.history.length - 1] } };
    },
    (_, dir) => loadPolicyOutput(join(dir, 'policy.safetensors')),
  );
  const commit = gitCommit();
  const bundleInputs = (p: PolicyStageOutput, d: PolicyDataset) => ({
    cfg,
    params,
    backboneCfg,
    policy: p,
    rfsqDir,
    backend,
    commit,
    rfsqMse: rfsqStage.value,
    layerWeights,
    data: {
      demosSha256: demos.sha256,
      tokensSha256: shaOf(d.tokens),
      imagesSha256: shaOf(d.images),
      samples: d.N,
      demoSamples: data.N,
      daggerSamples: d.N - data.N,
      trainSamples: train.length + (d.N - data.N),
      valSamples: val.length,
      expertFailures: demos.failures,
    },
  });
  const dagger = await runDaggerRounds(
    { policy: policyStage.value, marker: policyStage.marker },
    {
      cfg,
      slice: slices.dagger,
      runner,
      work,
      tf,
      backboneCfg,
      headsCfg,
      tokenizer,
      data,
      train,
      val: val.length > 0 ? val : train.slice(0, 1),
      layerWeights,
      stream,
      log,
      interrupt,
      writeRolloutBundle: async (dir, p) => {
        await writeDefaultBundle(dir, {
          ...bundleInputs(p, data),
          stageSeconds: { ...runner.seconds },
          draftVsMainGreedy: undefined,
        });
      },
    },
  );
  const policy = dagger.policy;
  const finalData = dagger.data;

  const draftStage = await runner.stage(
    'draft',
    slices.draft,
    inputsOf(dagger.marker),
    async (resume, dir) => {
      const ckpt = join(dir, 'checkpoint.safetensors');
      const state = resume && (await exists(ckpt)) ? await loadTrainState(ckpt) : undefined;
      // trainHeads has no "start from these main weights" option: hand it a finished main phase as a checkpoint
      if (state === undefined) {
        await mkdir(dir, { recursive: true });
        await saveTrainState(ckpt, { phase: 'main', epoch: 1, config: headsCfg, main: policy.main, draft: init.draft, optimizer: [], history: [] });
      }
      const progress = new StageProgress(stream, {
        stage: 'draft',
        unitName: 'epoch',
        total: cfg.draftEpochs,
        done: state?.phase === 'draft' ? state.epoch : 0,
      });
      const heads = await trainHeads(
        {
          config: headsCfg,
          data: featureDataset(
            { shape: [finalData.N, cfg.heads.F], data: policy.features },
            { shape: [finalData.N, C, H, L], data: finalData.tokens },
            'train-default features',
          ),
          outDir: dir,
          mainEpochs: 1,
          draftEpochs: cfg.draftEpochs,
          batchSize: cfg.batchSize,
          learningRate: cfg.learningRate,
          seed: cfg.seed,
          resume: true,
        },
        {
          tf,
          backend,
          log: (line) => {
            const m = /^\[heads\] draft epoch (\d+)\/\d+ (.*)$/.exec(line);
            if (m === null) return log(line);
            progress.unit(finalData.N, m[2]);
            interrupt('draft', Number(m[1]));
          },
          ...(stream.isTTY === true ? { progress: (line: string) => (line === '' ? undefined : stream.write(`\r\x1b[2K${line}`)) } : {}),
        },
      );
      const onnx = [await readFile(heads.files.mainOnnx), await readFile(heads.files.draftOnnx)];
      return { value: heads.report.draftVsMainGreedy, result: { outputSha256: sha256(...onnx), draftVsMainGreedy: heads.report.draftVsMainGreedy } };
    },
    async (m) => m.result['draftVsMainGreedy'] as TrainReport['draftVsMainGreedy'],
  );
  const draftDir = work.stageDir('draft');

  // the bundle is cheap to write and carries the run's timings: always rewritten (into the work folder)
  const offlineBundle = join(work.dir, 'bundle');
  let manifest = await runner.timed('bundle', () =>
    writeDefaultBundle(offlineBundle, {
      ...bundleInputs(policy, finalData),
      data: { ...bundleInputs(policy, finalData).data, daggerRounds: dagger.rounds },
      headsDir: draftDir,
      stageSeconds: { ...runner.seconds },
      draftVsMainGreedy: draftStage.value,
    }),
  );
  let finalBundle = offlineBundle;
  const op = cfg.onPolicyDraft;
  let draftReport = draftStage.value;
  if (op.episodesPerTask > 0) {
    const bundleSha = sha256(JSON.stringify(Object.entries(manifest.files).filter(([f]) => f.endsWith('.onnx'))));
    const rollouts = await runner.stage(
      'onpolicy-rollouts',
      slices.onPolicy,
      [bundleSha],
      async (_, dir) => {
        const c = await collectOnPolicyFeatures(
          offlineBundle,
          { tasks: cfg.tasks, episodesPerTask: op.episodesPerTask, seed: cfg.seed, maxSteps: op.maxSteps, execution: cfg.execution },
          log,
        );
        const t = new Map<string, CheckpointTensor>([['features', { dtype: 'float32', shape: [c.N, cfg.heads.F], data: c.features }]]);
        const outputSha256 = await saveTensorFile(join(dir, 'features.safetensors'), t, {
          format: 'rsd-train-default-onpolicy/1',
          episodes: String(c.episodes),
          successes: String(c.successes),
        });
        return { value: c, result: { outputSha256, N: c.N, episodes: c.episodes, successes: c.successes } };
      },
      async (m, dir) => {
        const f = await loadTensorFile(join(dir, 'features.safetensors'), 'rsd-train-default-onpolicy/1');
        return { features: f.tensors.get('features')!.data as Float32Array, N: m.result['N'] as number, episodes: m.result['episodes'] as number, successes: m.result['successes'] as number };
      },
    );
    const collected = rollouts.value;
    const redistill = await runner.stage(
      'onpolicy-draft',
      slices.onPolicy,
      [...inputsOf(rollouts.marker, draftStage.marker), bundleSha],
      async (_, dir) => {
        const r = await redistillDraft(
          { tf, backend },
          {
            bundleDir: offlineBundle,
            checkpoint: join(draftDir, 'checkpoint.safetensors'),
            features: collected.features,
            N: collected.N,
            draftWidth: op.draftWidth,
            draftEpochs: op.draftEpochs,
            batchSize: cfg.batchSize,
            learningRate: cfg.learningRate,
            seed: cfg.seed,
            workDir: join(dir, 'heads'),
            out: join(dir, 'bundle'),
            overwrite: true,
            execution: cfg.execution,
            provenance: {
              episodes: collected.episodes,
              baselineSuccesses: collected.successes,
              seed: cfg.seed,
              seconds: { rollouts: runner.seconds['onpolicy-rollouts'] },
            },
          },
          log,
        );
        return { value: r.report.draftVsMainGreedy, result: { draftVsMainGreedy: r.report.draftVsMainGreedy } };
      },
      async (m) => m.result['draftVsMainGreedy'] as TrainReport['draftVsMainGreedy'],
    );
    finalBundle = join(work.stageDir('onpolicy-draft'), 'bundle');
    manifest = (await readBundle(finalBundle)).manifest;
    draftReport = redistill.value;
  }
  await publish(finalBundle, out);
  log(`[train-default] wrote ${out}`);
  return { out, manifest, stageSeconds: runner.seconds, reused: runner.reused, samples: finalData.N, daggerRounds: dagger.rounds, policyHistory: policy.history, draft: draftReport };
}

/** Copies the finished bundle to `out` (a temporary sibling, then rename; an old `out` is replaced). */
async function publish(from: string, out: string): Promise<void> {
  const tmp = join(dirname(out), `.${basename(out)}.partial-${process.pid}`);
  await rm(tmp, { recursive: true, force: true });
  await cp(from, tmp, { recursive: true });
  await rm(out, { recursive: true, force: true });
  await rename(tmp, out);
}
