import type * as TfModule from '@tensorflow/tfjs';
import { mkdir, readFile, rm } from 'node:fs/promises';
import { readBundle } from '@rsd/rsd-engine';
import { join } from 'node:path';
import {
  featureDataset,
  loadTrainState,
  saveTrainState,
  trainHeads,
  writeBundle,
  type BundleManifest,
  type HeadsConfig,
  type TrainReport,
} from '@rsd/heads';
import { randomHeadWeights } from '@rsd/heads/testing';

export interface RedistillOptions {
  /** The bundle whose draft is replaced (read only). */
  readonly bundleDir: string;
  /** A heads checkpoint (`checkpoint.safetensors` of train-default's heads stage) holding the bundle's main weights. */
  readonly checkpoint: string;
  /** float32 [N, F]: on-policy backbone features. */
  readonly features: Float32Array;
  readonly N: number;
  /** Draft MLP shape of the new draft (depth must equal the main head's to copy its layer-0 path). */
  readonly draftWidth: number;
  readonly draftEpochs: number;
  readonly batchSize: number;
  readonly learningRate: number;
  readonly seed: number;
  /** Work folder for trainHeads. */
  readonly workDir: string;
  /** The new bundle folder. */
  readonly out: string;
  readonly overwrite?: boolean;
  /** The new bundle's execution block. */
  readonly execution: { readonly executeSteps: number; readonly ensemble: string; readonly note?: string };
  /** Added to the manifest's provenance under `draftOnPolicy`. */
  readonly provenance: Readonly<Record<string, unknown>>;
}

/**
 * Distils a fresh draft head towards the bundle's main head on on-policy features (the states
 * the policy visits closed loop) and writes a bundle identical to the input except for
 * `draft.onnx` and the provenance. The main head, backbone and tokenizer are untouched, so
 * baseline and exact-mode outputs are unchanged; only acceptance (and so speed) can move.
 */
export async function redistillDraft(
  tf: { tf: typeof TfModule; backend: string },
  o: RedistillOptions,
  log: (line: string) => void,
): Promise<{ manifest: BundleManifest; report: TrainReport }> {
  const { manifest, models: original } = await readBundle(o.bundleDir);
  const state = await loadTrainState(o.checkpoint);
  const cfg: HeadsConfig = { ...state.config, draftWidth: o.draftWidth };
  const { C, H, L, F } = cfg;
  if (F !== manifest.dims.F || C !== manifest.dims.C || H !== manifest.dims.H || L !== manifest.dims.L) {
    throw new RangeError(`${o.checkpoint}: heads config [F=${F}, C=${C}, H=${H}, L=${L}] does not match ${o.bundleDir}/manifest.json dims`);
  }
  if (o.features.length !== o.N * F) throw new RangeError(`features must be float32 [N=${o.N}, F=${F}], got ${o.features.length} values`);
  await rm(o.workDir, { recursive: true, force: true });
  await mkdir(o.workDir, { recursive: true });
  // a finished main phase as the starting checkpoint: trainHeads goes straight to the draft
  await saveTrainState(join(o.workDir, 'checkpoint.safetensors'), {
    phase: 'main',
    epoch: 1,
    config: cfg,
    main: state.main,
    draft: randomHeadWeights(cfg, o.seed).draft,
    optimizer: [],
    history: [],
  });
  const heads = await trainHeads(
    {
      config: cfg,
      // tokens are only read by the main phase, which is already done
      data: featureDataset({ shape: [o.N, F], data: o.features }, { shape: [o.N, C, H, L], data: new Int32Array(o.N * C * H * L) }, 'on-policy features'),
      outDir: o.workDir,
      mainEpochs: 1,
      draftEpochs: o.draftEpochs,
      batchSize: o.batchSize,
      learningRate: o.learningRate,
      seed: o.seed,
      resume: true,
    },
    { ...tf, log },
  );
  const models = { ...original, 'draft.onnx': new Uint8Array(await readFile(heads.files.draftOnnx)) };
  const written = await writeBundle(
    o.out,
    {
      name: manifest.name,
      dims: manifest.dims,
      actionNormalization: manifest.actionNormalization,
      tokenizer: manifest.tokenizer,
      backbone: manifest.backbone,
      execution: o.execution,
      ...(manifest.trainedOn === undefined ? {} : { trainedOn: manifest.trainedOn }),
      ...(manifest.continuous === undefined ? {} : { continuous: manifest.continuous }),
      provenance: {
        ...manifest.provenance,
        draftOnPolicy: { ...o.provenance, draftWidth: o.draftWidth, draftEpochs: o.draftEpochs, samples: o.N, draftVsMainGreedy: heads.report.draftVsMainGreedy },
      },
      models,
    },
    { overwrite: o.overwrite ?? false },
  );
  return { manifest: written, report: heads.report };
}
