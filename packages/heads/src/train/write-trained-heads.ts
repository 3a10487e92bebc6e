import { rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { CheckpointTensor } from '../checkpoint/checkpoint-tensor.ts';
import { writeSafetensors } from '../checkpoint/safetensors-writer.ts';
import { HeadsError } from '../errors/heads-error.ts';
import { exportDraftOnnx } from '../export/export-draft-onnx.ts';
import { exportMainOnnx } from '../export/export-main-onnx.ts';
import type { HeadsConfig } from '../heads-config.ts';
import { headParameterSpecs, type DraftWeights, type HeadArch, type MainWeights } from '../model/head-parameters.ts';

/** The files training writes into its output folder. */
export interface TrainedFiles {
  readonly config: string;
  readonly mainOnnx: string;
  readonly draftOnnx: string;
  /** PyTorch `state_dict` names and shapes (loadable by python/rsd_heads.py via safetensors). */
  readonly mainWeights: string;
  readonly draftWeights: string;
  readonly report: string;
  readonly checkpoint: string;
}

/** Weights as a safetensors file with PyTorch names and shapes, config and arch in the metadata. */
export function headSafetensors(
  cfg: HeadsConfig,
  arch: HeadArch,
  weights: Readonly<Record<string, Float32Array>>,
): Uint8Array {
  const tensors = new Map<string, CheckpointTensor>();
  for (const s of headParameterSpecs(cfg, arch))
    tensors.set(s.name, { dtype: 'float32', shape: s.shape, data: weights[s.name]! });
  return writeSafetensors(
    tensors,
    new Map([
      ['config', JSON.stringify(cfg)],
      ['arch', arch],
    ]),
  );
}

/**
 * Writes heads.json, both ONNX exports, both safetensors and report.json into `outDir`. With
 * `draftOnnx` (a draft that is not a trained draft head, e.g. the main-prefix draft) that graph is
 * written as draft.onnx and no draft.safetensors is written (a stale one is removed).
 */
export async function writeTrainedHeads(
  outDir: string,
  cfg: HeadsConfig,
  weights: { main: MainWeights; draft: DraftWeights },
  report: unknown,
  options: { draftOnnx?: Uint8Array } = {},
): Promise<TrainedFiles> {
  const files: TrainedFiles = {
    config: join(outDir, 'heads.json'),
    mainOnnx: join(outDir, 'main.onnx'),
    draftOnnx: join(outDir, 'draft.onnx'),
    mainWeights: join(outDir, 'main.safetensors'),
    draftWeights: join(outDir, 'draft.safetensors'),
    report: join(outDir, 'report.json'),
    checkpoint: join(outDir, 'checkpoint.safetensors'),
  };
  const contents: [string, Uint8Array | string][] = [
    [files.config, `${JSON.stringify(cfg, null, 2)}\n`],
    [files.mainOnnx, exportMainOnnx(cfg, weights.main)],
    [files.draftOnnx, options.draftOnnx ?? exportDraftOnnx(cfg, weights.draft)],
    [files.mainWeights, headSafetensors(cfg, 'main', weights.main)],
    ...(options.draftOnnx === undefined ? [[files.draftWeights, headSafetensors(cfg, 'draft', weights.draft)] as [string, Uint8Array]] : []),
    [files.report, `${JSON.stringify(report, null, 2)}\n`],
  ];
  if (options.draftOnnx !== undefined) await rm(files.draftWeights, { force: true });
  for (const [path, data] of contents) {
    await writeFile(path, data).catch((cause: unknown) => {
      throw new HeadsError('IO_ERROR', `cannot write ${path}: ${(cause as Error).message}`, { subject: path, cause });
    });
  }
  return files;
}
