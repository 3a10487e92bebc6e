import { HeadsError } from '../errors/heads-error.ts';
import type { HeadsConfig } from '../heads-config.ts';
import { exportDraftOnnx } from '../export/export-draft-onnx.ts';
import { exportMainOnnx } from '../export/export-main-onnx.ts';
import type { HeadArch } from '../model/head-parameters.ts';
import { checkpointValueToJson, isCheckpointDict } from './checkpoint-value.ts';
import { headWeightsFromStateDict } from './head-weights-from-state-dict.ts';
import { inferHeadsConfig, pickHeadsConfigFields } from './infer-heads-config.ts';
import type { LoadedCheckpoint } from './load-checkpoint.ts';

/** Options of {@link checkpointToOnnx}. */
export interface CheckpointToOnnxOptions {
  readonly arch: HeadArch;
  /** Config fields given by the caller (`--config`); must agree with the checkpoint's own config. */
  readonly config?: Partial<HeadsConfig> | undefined;
  /** See `HeadWeightsOptions.prefix`. */
  readonly prefix?: string | undefined;
}

/** A converted head. */
export interface ConvertedHead {
  /** The ONNX model (draft: features → logits [B,C,H,k,K]; main: features, tokens → logits [B,C,H,L,K]). */
  readonly onnx: Uint8Array;
  readonly config: HeadsConfig;
  /** Where the config came from: `given`, `checkpoint`, `shapes`. */
  readonly configSources: readonly string[];
  /** Number of float parameters converted. */
  readonly parameters: number;
}

/**
 * The config a checkpoint carries: PyTorch — a `config` dict next to the state_dict (as
 * `python/rsd_heads.py`'s `save_head` writes); safetensors — JSON in the metadata under `config`
 * (as `save_head` and `heads:train` write; `rsd.config` is accepted too). Only HeadsConfig fields
 * are taken. Unparsable JSON → CHECKPOINT_CORRUPT.
 */
export function checkpointConfig(ckpt: LoadedCheckpoint): Partial<HeadsConfig> {
  const entry = ckpt.extras.get('config') ?? ckpt.extras.get('rsd.config');
  if (entry === undefined || entry === null) return {};
  if (typeof entry === 'string') {
    let parsed: unknown;
    try {
      parsed = JSON.parse(entry);
    } catch (error) {
      throw new HeadsError('CHECKPOINT_CORRUPT', `${ckpt.fileName}: the config in the metadata is not valid JSON`, {
        subject: 'config',
        cause: error,
      });
    }
    return pickHeadsConfigFields(parsed);
  }
  return isCheckpointDict(entry) ? pickHeadsConfigFields(checkpointValueToJson(entry)) : {};
}

/**
 * Converts a loaded checkpoint of the reference PyTorch heads to ONNX: config = given fields +
 * the checkpoint's config + what the shapes fix (conflicts are errors naming the field), weights
 * mapped by `headWeightsFromStateDict` (errors name the parameter), exported by the package's
 * ONNX exporters (masks multiplied in). A stored `arch` entry other than `options.arch` is
 * refused. The checkpoint's file name is recorded in the ONNX metadata.
 */
export function checkpointToOnnx(ckpt: LoadedCheckpoint, options: CheckpointToOnnxOptions): ConvertedHead {
  const { arch } = options;
  if (arch !== 'draft' && arch !== 'main')
    throw new RangeError(`options.arch must be "draft" or "main", got ${String(arch)}`);
  const given = options.config ?? {};
  const stored = checkpointConfig(ckpt);
  const sources: string[] = [];
  if (Object.keys(given).length > 0) sources.push('given');
  if (Object.keys(stored).length > 0) sources.push('checkpoint');
  for (const [k, v] of Object.entries(stored) as [keyof HeadsConfig, number][]) {
    if (given[k] !== undefined && given[k] !== v) {
      throw new HeadsError(
        'CHECKPOINT_MISMATCH',
        `${ckpt.fileName}: config field "${k}" is ${given[k]} in the given config but ${v} in the checkpoint`,
        { subject: k },
      );
    }
  }
  const storedArch = ckpt.extras.get('arch');
  if (typeof storedArch === 'string' && storedArch !== arch) {
    throw new HeadsError(
      'CHECKPOINT_MISMATCH',
      `${ckpt.fileName}: the checkpoint holds the ${storedArch} head, not the ${arch} head`,
      {
        subject: 'arch',
      },
    );
  }
  const source = ckpt.fileName;
  const config = inferHeadsConfig(ckpt.stateDict, { ...stored, ...given }, { arch, source, prefix: options.prefix });
  sources.push('shapes');
  const weights = headWeightsFromStateDict(ckpt.stateDict, config, { arch, source, prefix: options.prefix });
  const metadata = {
    'rsd.converted_from': ckpt.fileName.split(/[\\/]/).pop() ?? ckpt.fileName,
    'rsd.checkpoint_format': ckpt.format,
  };
  const onnx =
    arch === 'draft' ? exportDraftOnnx(config, weights, { metadata }) : exportMainOnnx(config, weights, { metadata });
  const parameters = Object.values(weights).reduce((n, w) => n + w.length, 0);
  return { onnx, config, configSources: sources, parameters };
}
