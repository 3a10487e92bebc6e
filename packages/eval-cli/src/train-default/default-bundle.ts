import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { exportBackboneOnnx, exportMainOnnx, writeBundle, type BackboneConfig, type BundleManifest, type TrainReport } from '@rsd/heads';
import { EMBEDDED_SPATIAL_NAME } from '@rsd/libero-bridge';
import type { RfsqParams } from '@rsd/rfsq';
import type { PolicyStageOutput } from './policy-checkpoint.ts';
import { PROPRIO_FIELDS, PROPRIO_SIZE, type TrainDefaultConfig } from './train-default-config.ts';

/** What the embedded-default bundle is assembled from (the stages' outputs and the run's provenance). */
export interface DefaultBundleInputs {
  readonly cfg: TrainDefaultConfig;
  readonly params: RfsqParams;
  readonly backboneCfg: BackboneConfig;
  readonly policy: PolicyStageOutput;
  /**
   * trainHeads' folder (main.onnx, draft.onnx); absent: a bundle without a draft (dims.k = 0),
   * main.onnx exported from `policy.main` (the policy as it stands, for DAgger rollouts).
   */
  readonly headsDir?: string;
  /** The tokenizer folder (rfsq_encoder.onnx, rfsq_decoder.onnx). */
  readonly rfsqDir: string;
  readonly backend: string;
  readonly commit: string;
  readonly stageSeconds: Readonly<Record<string, number>>;
  readonly rfsqMse: number;
  /** Absent for a bundle without a draft. */
  readonly draftVsMainGreedy: TrainReport['draftVsMainGreedy'] | undefined;
  readonly data: Readonly<Record<string, unknown>>;
  readonly layerWeights: readonly number[] | undefined;
}

/** Writes the embedded-default bundle to `dir` (replacing it) with its provenance. */
export async function writeDefaultBundle(dir: string, b: DefaultBundleInputs): Promise<BundleManifest> {
  const { cfg, params, backboneCfg } = b;
  const { C, A, H, L, K } = params.config;
  return writeBundle(
    dir,
    {
      name: 'embedded_spatial',
      dims: { C, A, H, L, K, F: cfg.heads.F, k: b.headsDir === undefined ? 0 : cfg.heads.draftLayers },
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
        commit: b.commit,
        config: cfg,
        seeds: { demos: cfg.seed, rfsq: cfg.seed, init: cfg.seed, order: cfg.seed + 17, heads: cfg.seed },
        backend: b.backend,
        data: b.data,
        trainingSeconds: { ...b.stageSeconds },
        policyLayerWeights: b.layerWeights ?? 'uniform',
        policySamplesPerSecond: +b.policy.samplesPerSecond.toFixed(1),
        finalLosses: {
          rfsqMse: b.rfsqMse,
          policy: b.policy.history[b.policy.history.length - 1],
          draftVsMainGreedy: b.draftVsMainGreedy,
        },
      },
      models: {
        'backbone.onnx': exportBackboneOnnx(backboneCfg, b.policy.backbone),
        ...(b.headsDir === undefined
          ? { 'main.onnx': exportMainOnnx({ ...cfg.heads, C, H, L, K }, b.policy.main) }
          : {
              'main.onnx': new Uint8Array(await readFile(join(b.headsDir, 'main.onnx'))),
              'draft.onnx': new Uint8Array(await readFile(join(b.headsDir, 'draft.onnx'))),
            }),
        'rfsq_encoder.onnx': new Uint8Array(await readFile(join(b.rfsqDir, 'rfsq_encoder.onnx'))),
        'rfsq_decoder.onnx': new Uint8Array(await readFile(join(b.rfsqDir, 'rfsq_decoder.onnx'))),
      },
    },
    { overwrite: true },
  );
}
