import type * as TfModule from '@tensorflow/tfjs';
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdir, readFile, rm } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import {
  exportBackboneOnnx,
  featureDataset,
  registerWasmTrainingKernels,
  saveTrainState,
  trainHeads,
  writeBundle,
  type BackboneConfig,
  type BundleManifest,
  type HeadsConfig,
  type TrainReport,
} from '@rsd/heads';
import { randomHeadWeights } from '@rsd/heads/testing';
import { EMBEDDED_SPATIAL_NAME } from '@rsd/libero-bridge';
import { loadRfsqParams, RfsqTokenizer, selectTfBackend } from '@rsd/rfsq';
import { createProgressReporter, trainRfsq, TRAIN_DEFAULTS } from '@rsd/rfsq/train';
import { runDemoStage } from './demo-stage.ts';
import { buildPolicyDataset } from './policy-dataset.ts';
import {
  checkTrainDefaultConfig,
  PROPRIO_FIELDS,
  PROPRIO_SIZE,
  type TrainDefaultConfig,
} from './train-default-config.ts';
import { collectOnPolicyFeatures } from './collect-onpolicy-features.ts';
import { redistillDraft } from './redistill-draft.ts';
import { trainPolicy } from './train-policy.ts';

export interface TrainDefaultOptions {
  readonly config: TrainDefaultConfig;
  /** Bundle folder to write (replaced when `overwrite`). */
  readonly out: string;
  /** Intermediate outputs (demo actions, tokenizer, heads run); default `<out>.work`. */
  readonly workDir?: string;
  readonly overwrite?: boolean;
}

export interface TrainDefaultDeps {
  readonly log: (line: string) => void;
  /** The TF.js module and backend name; default: `selectTfBackend()` (+ the wasm training kernels). */
  readonly tf?: { tf: typeof TfModule; backend: string };
}

export interface TrainDefaultResult {
  readonly out: string;
  readonly manifest: BundleManifest;
  /** Seconds per stage. */
  readonly stageSeconds: Readonly<Record<string, number>>;
  readonly samples: number;
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

const sha = (a: ArrayBufferView) =>
  createHash('sha256')
    .update(new Uint8Array(a.buffer, a.byteOffset, a.byteLength))
    .digest('hex');

/**
 * The embedded-default pipeline: expert demos (training init states) → RFSQ → policy dataset →
 * backbone + main head (joint, token cross-entropy, random-shift augmentation) → draft head
 * distilled to main's greedy tokens on the backbone's features → `writeBundle` with provenance.
 */
export async function runTrainDefault(
  options: TrainDefaultOptions,
  deps: TrainDefaultDeps,
): Promise<TrainDefaultResult> {
  const cfg = options.config;
  checkTrainDefaultConfig(cfg);
  const out = resolve(options.out);
  const work = resolve(options.workDir ?? `${out}.work`);
  const { log } = deps;
  const stageSeconds: Record<string, number> = {};
  const timed = async <T>(name: string, f: () => Promise<T> | T): Promise<T> => {
    const t0 = performance.now();
    const r = await f();
    stageSeconds[name] = +((performance.now() - t0) / 1000).toFixed(2);
    log(`[train-default] stage ${name}: ${stageSeconds[name]} s`);
    return r;
  };
  const { tf, backend } =
    deps.tf ??
    (await (async () => {
      const s = await selectTfBackend({ log });
      if (s.backend === 'wasm') registerWasmTrainingKernels(s.tf);
      return { tf: s.tf, backend: s.backend };
    })());

  const demos = await timed('demos', () =>
    runDemoStage(
      {
        tasks: cfg.tasks,
        perTask: cfg.demosPerTask,
        seed: cfg.seed,
        imageSize: cfg.imageSize,
        dir: join(work, 'actions'),
      },
      log,
    ),
  );

  const rfsqDir = join(work, 'rfsq');
  await rm(rfsqDir, { recursive: true, force: true });
  const rfsq = await timed('rfsq', () =>
    trainRfsq(
      {
        ...TRAIN_DEFAULTS,
        data: demos.actionFiles,
        out: rfsqDir,
        variant: cfg.rfsq.variant,
        layers: cfg.rfsq.layers,
        levels: [cfg.rfsq.levels],
        latentDim: cfg.rfsq.latentDim,
        epochs: cfg.rfsq.epochs,
        hidden: cfg.rfsq.hidden,
        seed: cfg.seed,
      },
      {
        log,
        progress: createProgressReporter({ isTTY: false, write: () => true }),
        selectBackend: async () => ({ tf, backend: backend as 'wasm', provider: 'train-default' }),
      },
    ),
  );
  const { params } = loadRfsqParams(rfsqDir);
  const tokenizer = new RfsqTokenizer(params);
  const { C, A, H, L, K } = params.config;

  const backboneCfg: BackboneConfig = {
    ...cfg.backbone,
    imageSize: cfg.imageSize,
    proprioSize: PROPRIO_SIZE,
    F: cfg.heads.F,
  };
  const headsCfg: HeadsConfig = { ...cfg.heads, C, H, L, K };
  const data = await timed('dataset', () =>
    buildPolicyDataset(demos.tasks, tokenizer, {
      imageSize: cfg.imageSize,
      vocabSize: backboneCfg.vocabSize,
      maxTokens: backboneCfg.maxTokens,
    }),
  );
  log(
    `[train-default] dataset: ${data.N} samples, image ${cfg.imageSize}x${cfg.imageSize}, tokens [${C},${H},${L}] K=${K}`,
  );

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
    cfg.layerWeighting === 'sqrt-scale'
      ? sqrtScales.map((x) => (x * L) / sqrtScales.reduce((a, b) => a + b, 0))
      : undefined;
  const policy = await timed('policy', () =>
    trainPolicy(
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
      },
      log,
    ),
  );

  const headsDir = join(work, 'heads');
  await rm(headsDir, { recursive: true, force: true });
  const heads = await timed('draft', async () => {
    // trainHeads has no "start from these main weights" option: hand it a finished main phase as a checkpoint
    await mkdir(headsDir, { recursive: true });
    await saveTrainState(join(headsDir, 'checkpoint.safetensors'), {
      phase: 'main',
      epoch: 1,
      config: headsCfg,
      main: policy.main,
      draft: init.draft,
      optimizer: [],
      history: [],
    });
    return trainHeads(
      {
        config: headsCfg,
        data: featureDataset(
          { shape: [data.N, cfg.heads.F], data: policy.features },
          { shape: [data.N, C, H, L], data: data.tokens },
          'train-default features',
        ),
        outDir: headsDir,
        mainEpochs: 1,
        draftEpochs: cfg.draftEpochs,
        batchSize: cfg.batchSize,
        learningRate: cfg.learningRate,
        seed: cfg.seed,
        resume: true,
      },
      { tf, backend, log },
    );
  });

  let manifest = await timed('bundle', async () =>
    writeBundle(
      out,
      {
        name: 'embedded_spatial',
        dims: { C, A, H, L, K, F: cfg.heads.F, k: cfg.heads.draftLayers },
        actionNormalization: {
          kind: 'bounds',
          low: [...params.actionNormalization.low],
          high: [...params.actionNormalization.high],
        },
        tokenizer: {
          variant: params.config.variant,
          layerScales: [...params.layerScales],
          layerShifts: [...params.layerShifts],
        },
        backbone: {
          image: { height: cfg.imageSize, width: cfg.imageSize },
          instruction: { kind: 'hashed-words', vocabSize: backboneCfg.vocabSize, maxTokens: backboneCfg.maxTokens },
          proprio: { size: PROPRIO_SIZE, fields: [...PROPRIO_FIELDS] },
        },
        execution: cfg.execution,
        // demos are recorded from the embedded suite's observations, in LIBERO's conventions
        trainedOn: { env: 'embedded', suite: EMBEDDED_SPATIAL_NAME, conventions: 'libero' },
        provenance: {
          pipeline: '@rsd/eval-cli train-default',
          commit: gitCommit(),
          config: cfg,
          seeds: { demos: cfg.seed, rfsq: cfg.seed, init: cfg.seed, order: cfg.seed + 17, heads: cfg.seed },
          backend,
          data: {
            demosSha256: demos.sha256,
            tokensSha256: sha(data.tokens),
            imagesSha256: sha(data.images),
            samples: data.N,
            trainSamples: train.length,
            valSamples: val.length,
            expertFailures: demos.failures,
          },
          trainingSeconds: { ...stageSeconds },
          policyLayerWeights: layerWeights ?? 'uniform',
          policySamplesPerSecond: +policy.samplesPerSecond.toFixed(1),
          finalLosses: {
            rfsqMse: rfsq.report.mse,
            policy: policy.history[policy.history.length - 1],
            draftVsMainGreedy: heads.report.draftVsMainGreedy,
          },
        },
        models: {
          'backbone.onnx': exportBackboneOnnx(backboneCfg, policy.backbone),
          'main.onnx': new Uint8Array(await readFile(heads.files.mainOnnx)),
          'draft.onnx': new Uint8Array(await readFile(heads.files.draftOnnx)),
          'rfsq_encoder.onnx': new Uint8Array(await readFile(join(rfsqDir, 'rfsq_encoder.onnx'))),
          'rfsq_decoder.onnx': new Uint8Array(await readFile(join(rfsqDir, 'rfsq_decoder.onnx'))),
        },
      },
      { overwrite: options.overwrite ?? false },
    ),
  );
  const op = cfg.onPolicyDraft;
  let draftReport = heads.report.draftVsMainGreedy;
  if (op.episodesPerTask > 0) {
    const collected = await timed('onpolicy-rollouts', () =>
      collectOnPolicyFeatures(
        out,
        { tasks: cfg.tasks, episodesPerTask: op.episodesPerTask, seed: cfg.seed, maxSteps: op.maxSteps, execution: cfg.execution },
        log,
      ),
    );
    const r = await timed('onpolicy-draft', () =>
      redistillDraft(
        { tf, backend },
        {
          bundleDir: out,
          checkpoint: join(headsDir, 'checkpoint.safetensors'),
          features: collected.features,
          N: collected.N,
          draftWidth: op.draftWidth,
          draftEpochs: op.draftEpochs,
          batchSize: cfg.batchSize,
          learningRate: cfg.learningRate,
          seed: cfg.seed,
          workDir: join(work, 'heads-onpolicy'),
          out,
          overwrite: true,
          execution: cfg.execution,
          provenance: {
            episodes: collected.episodes,
            baselineSuccesses: collected.successes,
            seed: cfg.seed,
            seconds: { rollouts: stageSeconds['onpolicy-rollouts'] },
          },
        },
        log,
      ),
    );
    manifest = r.manifest;
    draftReport = r.report.draftVsMainGreedy;
  }
  return {
    out,
    manifest,
    stageSeconds,
    samples: data.N,
    policyHistory: policy.history,
    draft: draftReport,
  };
}
