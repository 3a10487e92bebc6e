import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { writeBundle, type BackboneConfig, type BundleManifest, type TrainReport } from '@rsd/heads';
import { EMBEDDED_SPATIAL_NAME } from '@rsd/libero-bridge';
import type { RfsqParams } from '@rsd/rfsq';
import type { TeacherEpochMetrics } from './teacher/teacher-checkpoint.ts';
import type { TeacherNormalization } from './teacher/teacher-dataset.ts';
import { PROPRIO_FIELDS, PROPRIO_SIZE, type TrainDefaultConfig } from './train-default-config.ts';

/** What the embedded-default bundle is assembled from (the stages' outputs and the run's provenance). */
export interface DefaultBundleInputs {
  readonly cfg: TrainDefaultConfig;
  readonly params: RfsqParams;
  readonly backboneCfg: BackboneConfig;
  /** The chosen teacher as ONNX: its trunk (`backbone.onnx`) and continuous head (`continuous.onnx`). */
  readonly teacherOnnx: { readonly backbone: Uint8Array; readonly continuous: Uint8Array };
  readonly normalization: TeacherNormalization;
  /** trainHeads' folder (main.onnx, draft.onnx). */
  readonly headsDir: string;
  /** The tokenizer folder (rfsq_encoder.onnx, rfsq_decoder.onnx). */
  readonly rfsqDir: string;
  readonly backend: string;
  readonly commit: string;
  readonly stageSeconds: Readonly<Record<string, number>>;
  readonly rfsqMse: number;
  readonly heads: Pick<TrainReport, 'main' | 'draftVsMainGreedy'>;
  readonly teacher: { readonly history: readonly TeacherEpochMetrics[]; readonly selection: readonly unknown[]; readonly chosenEpoch: number };
  readonly data: Readonly<Record<string, unknown>>;
}

/** Writes the embedded-default bundle to `dir` (replacing it) with its provenance. */
export async function writeDefaultBundle(dir: string, b: DefaultBundleInputs): Promise<BundleManifest> {
  const { cfg, params, backboneCfg } = b;
  const { C, A, H, L, K } = params.config;
  const read = async (d: string, f: string) => new Uint8Array(await readFile(join(d, f)));
  return writeBundle(
    dir,
    {
      name: 'embedded_spatial',
      dims: { C, A, H, L, K, F: cfg.teacher.F, k: cfg.heads.draftLayers },
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
      continuous: {
        description: `the teacher: continuous visuomotor policy (backbone.onnx trunk + linear head), L1 on the z-scored chunk, epoch ${b.teacher.chosenEpoch} of ${cfg.teacher.epochs} chosen on validation states`,
      },
      provenance: {
        pipeline: '@rsd/imitation train-default',
        commit: b.commit,
        config: cfg,
        seeds: { demos: cfg.seed, rfsq: cfg.seed, teacherInit: cfg.seed, teacherOrder: cfg.seed + 23, heads: cfg.seed },
        backend: b.backend,
        data: b.data,
        trainingSeconds: { ...b.stageSeconds },
        teacher: {
          backbone: backboneCfg,
          normalization: b.normalization,
          history: b.teacher.history,
          selection: b.teacher.selection,
          chosenEpoch: b.teacher.chosenEpoch,
        },
        finalLosses: { rfsqMse: b.rfsqMse, main: b.heads.main, draftVsMainGreedy: b.heads.draftVsMainGreedy },
      },
      models: {
        'backbone.onnx': b.teacherOnnx.backbone,
        'continuous.onnx': b.teacherOnnx.continuous,
        'main.onnx': await read(b.headsDir, 'main.onnx'),
        'draft.onnx': await read(b.headsDir, 'draft.onnx'),
        'rfsq_encoder.onnx': await read(b.rfsqDir, 'rfsq_encoder.onnx'),
        'rfsq_decoder.onnx': await read(b.rfsqDir, 'rfsq_decoder.onnx'),
      },
    },
    { overwrite: true },
  );
}
