import type * as TfModule from '@tensorflow/tfjs';
import { execFileSync } from 'node:child_process';
import { access, cp, readFile, rename, rm } from 'node:fs/promises';
import { basename, dirname, join, resolve } from 'node:path';
import { featureDataset, registerWasmTrainingKernels, trainHeads, type BackboneConfig, type BundleManifest, type CheckpointTensor, type HeadsConfig, type TrainReport } from '@rsd/heads';
import { createEmbeddedEnv } from '@rsd/libero-bridge';
import { loadRfsqParams, RfsqTokenizer, selectTfBackend } from '@rsd/rfsq';
import { trainRfsq, TRAIN_DEFAULTS, type ProgressSink } from '@rsd/rfsq/train';
import { readBundle } from '@rsd/rsd-engine';
import { EvalError, type ProgressStream } from '@rsd/eval-cli';
import { collectOnPolicyFeatures } from './collect-onpolicy-features.ts';
import { writeDefaultBundle } from './default-bundle.ts';
import { runDemoStage } from './demo-stage.ts';
import { redistillDraft } from './redistill-draft.ts';
import { StageProgress } from './stage-progress.ts';
import { loadTensorFile, saveTensorFile } from './tensor-file.ts';
import { checkTrainDefaultConfig, PROPRIO_SIZE, stageSlices, type TrainDefaultConfig } from './train-default-config.ts';
import { inputsOf, TrainStageRunner } from './train-stage-runner.ts';
import { sha256, TrainWorkDir } from './train-work-dir.ts';
import { runTrainingRollouts } from './training-rollouts.ts';
import { loadTeacherCheckpoint, loadTeacherWeights, saveTeacherCheckpoint, saveTeacherWeights, type TeacherEpochMetrics } from './teacher/teacher-checkpoint.ts';
import { buildTeacherDataset, teacherNormalization } from './teacher/teacher-dataset.ts';
import type { TeacherModelConfig } from './teacher/teacher-model.ts';
import { exportTeacherOnnx } from './teacher/teacher-onnx.ts';
import { teacherFeatures } from './teacher/teacher-features.ts';
import { TeacherPolicy } from './teacher/teacher-policy.ts';
import { trainTeacher } from './teacher/train-teacher.ts';

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

/** One teacher snapshot run closed loop on validation initial states. */
export interface TeacherSelection {
  readonly epoch: number;
  readonly episodes: number;
  readonly successes: number;
  /** Successes per task, in `config.tasks` order. */
  readonly perTask: readonly number[];
}

export interface TrainDefaultResult {
  readonly out: string;
  readonly manifest: BundleManifest;
  /** Seconds per stage (a reused stage: the seconds it took when it ran). */
  readonly stageSeconds: Readonly<Record<string, number>>;
  /** Stages found finished in the work folder and reused. */
  readonly reused: readonly string[];
  /** Training samples (demo steps). */
  readonly samples: number;
  readonly teacherHistory: readonly TeacherEpochMetrics[];
  /** Every snapshot's validation success; `chosenEpoch` is the teacher. */
  readonly teacherSelection: readonly TeacherSelection[];
  readonly chosenEpoch: number;
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
const snapshotFile = (dir: string, epoch: number) => join(dir, `epoch-${epoch}.safetensors`);

/**
 * The embedded-default pipeline, the seeds' phases on our own small "VLA":
 * expert demos (training init states) → RFSQ on their chunks → the teacher (continuous visuomotor
 * policy, L1 on the z-scored chunk) → its epoch snapshots run closed loop on validation states, the
 * best kept → the teacher's frozen features and chunks of every demo step → main head and draft
 * on those features towards the RFSQ tokens of the teacher's (or the expert's) chunk → bundle
 * (backbone = the teacher's trunk, heads, RFSQ, and the teacher's continuous head) → (optional)
 * on-policy draft re-distillation → `out`. Every stage leaves its outputs and a marker in the work
 * folder; a rerun with the same config reuses finished stages and resumes an interrupted one from
 * its last checkpoint (the teacher: after every epoch), with the same bytes.
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

  // ---- the teacher: trained on the demos alone (the tokenizer does not touch it) ----
  const C = TRAIN_DEFAULTS.chunk;
  const A = 7;
  const backboneCfg: BackboneConfig = { ...cfg.teacher.backbone, imageSize: cfg.imageSize, proprioSize: PROPRIO_SIZE, F: cfg.teacher.F };
  const model: TeacherModelConfig = { backbone: backboneCfg, chunk: C, actionDim: A };
  const data = await runner.timed('dataset', () =>
    buildTeacherDataset(demos.tasks, { imageSize: cfg.imageSize, vocabSize: backboneCfg.vocabSize, maxTokens: backboneCfg.maxTokens, chunk: C, actionDim: A }),
  );
  const normalization = teacherNormalization(data, cfg.teacher.actionStdFloor);
  log(`[train-default] dataset: ${data.N} samples, image ${cfg.imageSize}x${cfg.imageSize}, chunk [${C},${A}]`);
  const allRows = Array.from({ length: data.N }, (_, i) => i);
  const teacherStage = await runner.stage(
    'teacher',
    slices.teacher,
    inputsOf(demosStage.marker),
    async (resume, dir) => {
      const ckpt = join(dir, 'checkpoint.safetensors');
      const key = work.key('teacher', slices.teacher, inputsOf(demosStage.marker));
      const saved = resume && (await exists(ckpt)) ? await loadTeacherCheckpoint(ckpt) : undefined;
      if (saved !== undefined && saved.key !== key) throw new EvalError('RESUME_MISMATCH', `${ckpt}: written for other inputs; pass --fresh`, { subject: ckpt });
      if (saved !== undefined) log(`[train-default] teacher: resuming from ${ckpt} after epoch ${saved.epoch}/${cfg.teacher.epochs}`);
      const t = cfg.teacher;
      const r = await trainTeacher(
        tf,
        data,
        {
          model,
          normalization,
          epochs: t.epochs,
          batchSize: t.batchSize,
          learningRate: t.learningRate,
          warmupSteps: t.warmupSteps,
          shift: t.shift,
          seed: cfg.seed,
          rows: allRows,
          workers: t.workers,
          progress: stream,
          ...(saved === undefined ? {} : { resumeFrom: saved }),
          checkpoint: async (state) => {
            // every epoch's weights are kept: the select stage runs the ones it names closed loop
            await saveTeacherWeights(snapshotFile(dir, state.epoch), model, state.weights, { epoch: String(state.epoch) });
            await saveTeacherCheckpoint(ckpt, model, { ...state, key });
            interrupt('teacher', state.epoch);
          },
        },
        log,
      );
      const outputSha256 = sha256(await readFile(snapshotFile(dir, t.epochs)));
      return {
        value: r.history,
        result: { outputSha256, history: r.history, samplesPerSecond: +r.samplesPerSecond.toFixed(1), normalization },
      };
    },
    async (m) => m.result['history'] as TeacherEpochMetrics[],
  );
  const teacherDir = work.stageDir('teacher');
  const spec = { imageSize: cfg.imageSize, vocabSize: backboneCfg.vocabSize, maxTokens: backboneCfg.maxTokens, chunk: C, actionDim: A };

  // ---- checkpoint choice: closed loop on validation initial states, never the loss ----
  const selectStage = await runner.stage(
    'select',
    slices.select,
    inputsOf(teacherStage.marker),
    async () => {
      const epochs = [...new Set([...cfg.teacher.select.epochs, cfg.teacher.epochs])].sort((a, b) => a - b);
      const env = await createEmbeddedEnv({ imageSize: cfg.imageSize, eyeInHand: false, depth: false, initStates: 'validation' });
      const runs: TeacherSelection[] = [];
      try {
        for (const epoch of epochs) {
          const { weights } = await loadTeacherWeights(snapshotFile(teacherDir, epoch));
          const policy = await TeacherPolicy.load(exportTeacherOnnx(model, weights, normalization), spec);
          const perTask: number[] = [];
          const progress = new StageProgress(stream, { stage: `select epoch ${epoch}`, unitName: 'task', total: cfg.tasks.length });
          try {
            const r = await runTrainingRollouts(
              env,
              policy,
              { tasks: cfg.tasks, episodesPerTask: cfg.teacher.select.trialsPerTask, seed: cfg.seed, maxSteps: cfg.teacher.select.maxSteps, execution: cfg.execution },
              `teacher epoch ${epoch} (validation)`,
              (taskId, ok) => {
                perTask.push(ok);
                progress.unit(0, `task ${taskId}: ${ok}/${cfg.teacher.select.trialsPerTask}`);
              },
            );
            runs.push({ epoch, episodes: r.episodes, successes: r.successes, perTask });
            log(`[train-default] select: teacher epoch ${epoch}: ${r.successes}/${r.episodes} on validation states (${perTask.join(' ')})`);
          } finally {
            await policy.close();
          }
        }
      } finally {
        await env.close();
      }
      // the most successes; a tie goes to the later epoch
      const best = runs.reduce((a, b) => (b.successes >= a.successes ? b : a));
      const outputSha256 = sha256(await readFile(snapshotFile(teacherDir, best.epoch)));
      return { value: { runs, chosen: best.epoch }, result: { outputSha256, runs, chosen: best.epoch } };
    },
    async (m) => ({ runs: m.result['runs'] as TeacherSelection[], chosen: m.result['chosen'] as number }),
  );
  const chosen = selectStage.value.chosen;
  const teacherWeights = (await loadTeacherWeights(snapshotFile(teacherDir, chosen))).weights;
  const teacherOnnx = exportTeacherOnnx(model, teacherWeights, normalization);

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
  const { H, L, K } = params.config;
  if (params.config.C !== C || params.config.A !== A) throw new RangeError(`the tokenizer's chunk [${params.config.C}, ${params.config.A}] is not the teacher's [${C}, ${A}]`);

  // ---- the student's data: the teacher's frozen features (what backbone.onnx computes) and chunks ----
  const features = await runner.timed('features', () => teacherFeatures(teacherOnnx, data, spec, log));
  const targetChunks = cfg.headTargets === 'teacher' ? features.chunks : data.chunks;
  const tokens = tokenizer.encode(targetChunks);
  const headsCfg: HeadsConfig = { ...cfg.heads, F: cfg.teacher.F, C, H, L, K };
  const headsStage = await runner.stage(
    'heads',
    slices.heads,
    inputsOf(selectStage.marker, rfsqStage.marker),
    async (_resume, dir) => {
      const progress = new StageProgress(stream, { stage: 'heads', unitName: 'epoch', total: cfg.mainEpochs + (cfg.headsDraft === 'trained' ? cfg.draftEpochs : 0) });
      const heads = await trainHeads(
        {
          config: headsCfg,
          data: featureDataset({ shape: [data.N, cfg.teacher.F], data: features.features }, { shape: [data.N, C, H, L], data: tokens }, 'train-default teacher features'),
          outDir: dir,
          mainEpochs: cfg.mainEpochs,
          draftEpochs: cfg.draftEpochs,
          batchSize: cfg.headsBatchSize,
          learningRate: cfg.headsLearningRate,
          seed: cfg.seed,
          resume: true,
          ...(cfg.headsPrefixNoise === null ? {} : { prefixNoise: cfg.headsPrefixNoise }),
          draft: cfg.headsDraft,
        },
        {
          tf,
          backend,
          log: (line) => {
            const m = /^\[heads\] (main|draft)\s+epoch (\d+)\/\d+ (.*)$/.exec(line);
            if (m === null) return log(line);
            progress.unit(data.N, `${m[1]} ${m[3]}`);
            // units over both phases: main epochs 1..mainEpochs, then the draft's
            interrupt('heads', Number(m[2]) + (m[1] === 'draft' ? cfg.mainEpochs : 0));
          },
          ...(stream.isTTY === true ? { progress: (line: string) => (line === '' ? undefined : stream.write(`\r\x1b[2K${line}`)) } : {}),
        },
      );
      const onnx = [await readFile(heads.files.mainOnnx), await readFile(heads.files.draftOnnx)];
      return { value: heads.report, result: { outputSha256: sha256(...onnx), main: heads.report.main, draftVsMainGreedy: heads.report.draftVsMainGreedy } };
    },
    async (m) => ({ main: m.result['main'], draftVsMainGreedy: m.result['draftVsMainGreedy'] }) as unknown as TrainReport,
  );
  const headsDir = work.stageDir('heads');

  // the bundle is cheap to write and carries the run's timings: always rewritten (into the work folder)
  const offlineBundle = join(work.dir, 'bundle');
  const commit = gitCommit();
  let manifest = await runner.timed('bundle', () =>
    writeDefaultBundle(offlineBundle, {
      cfg,
      params,
      backboneCfg,
      teacherOnnx,
      normalization,
      headsDir,
      rfsqDir,
      backend,
      commit,
      stageSeconds: { ...runner.seconds },
      rfsqMse: rfsqStage.value,
      heads: headsStage.value,
      teacher: { history: teacherStage.value, selection: selectStage.value.runs, chosenEpoch: chosen },
      data: {
        demosSha256: demos.sha256,
        imagesSha256: shaOf(data.images),
        tokensSha256: shaOf(tokens),
        samples: data.N,
        headTargets: cfg.headTargets,
        expertFailures: demos.failures,
      },
    }),
  );
  let draftReport = headsStage.value.draftVsMainGreedy;
  let finalBundle = offlineBundle;
  const op = cfg.onPolicyDraft;
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
        const t = new Map<string, CheckpointTensor>([['features', { dtype: 'float32', shape: [c.N, cfg.teacher.F], data: c.features }]]);
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
      [...inputsOf(rollouts.marker, headsStage.marker), bundleSha],
      async (_, dir) => {
        const r = await redistillDraft(
          { tf, backend },
          {
            bundleDir: offlineBundle,
            checkpoint: join(headsDir, 'checkpoint.safetensors'),
            features: collected.features,
            N: collected.N,
            draftWidth: op.draftWidth,
            draftEpochs: op.draftEpochs,
            batchSize: cfg.headsBatchSize,
            learningRate: cfg.headsLearningRate,
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
  return {
    out,
    manifest,
    stageSeconds: runner.seconds,
    reused: runner.reused,
    samples: data.N,
    teacherHistory: teacherStage.value,
    teacherSelection: selectStage.value.runs,
    chosenEpoch: chosen,
    draft: draftReport,
  };
}

/** Copies the finished bundle to `out` (a temporary sibling, then rename; an old `out` is replaced). */
async function publish(from: string, out: string): Promise<void> {
  const tmp = join(dirname(out), `.${basename(out)}.partial-${process.pid}`);
  await rm(tmp, { recursive: true, force: true });
  await cp(from, tmp, { recursive: true });
  await rm(out, { recursive: true, force: true });
  await rename(tmp, out);
}
