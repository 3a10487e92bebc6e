import { createHash } from 'node:crypto';
import { mkdir, rename, rm, stat, writeFile } from 'node:fs/promises';
import { basename, dirname, join, resolve } from 'node:path';
import { HeadsError } from '../errors/heads-error.ts';
import {
  bundleFilesOf,
  type BundleFileMap,
  BUNDLE_FORMAT,
  validateBundleManifest,
  type ActionNormalization,
  type BackboneInfo,
  type ExternalBackboneInfo,
  type BundleDims,
  type BundleFile,
  type BundleManifest,
  type ExecutionInfo,
  type TrainedOnInfo,
  type Provenance,
  type TokenizerInfo,
  type ContinuousInfo,
} from './bundle-manifest.ts';

/** Everything a model bundle holds (SPEC §2); the manifest's sha256 entries are computed. */
export interface BundleParts {
  readonly name: string;
  readonly dims: BundleDims;
  readonly actionNormalization: ActionNormalization;
  readonly tokenizer: TokenizerInfo;
  readonly backbone: BackboneInfo | ExternalBackboneInfo;
  /** Optional: how the policy is meant to be run (eval defaults). */
  readonly execution?: ExecutionInfo;
  /** Where the policy was trained (env, suite, observation conventions); optional. */
  readonly trainedOn?: TrainedOnInfo;
  /** Present when `models` holds `continuous.onnx` (the teacher's continuous head). */
  readonly continuous?: ContinuousInfo;
  readonly provenance: Provenance;
  /** The serialized ONNX models, by file name (see `bundleFilesOf`: no draft for k = 0, no backbone when external). */
  readonly models: BundleFileMap<Uint8Array>;
}

/** sha256 of `bytes`, lower-case hex. */
export function sha256Hex(bytes: Uint8Array): string {
  return createHash('sha256').update(bytes).digest('hex');
}

/** The manifest of `parts` (validated), with the sha256 of every model file. */
export function bundleManifest(parts: BundleParts): BundleManifest {
  const files: Partial<Record<BundleFile, { sha256: string }>> = {};
  for (const f of bundleFilesOf(parts)) {
    const bytes = parts.models[f];
    if (!(bytes instanceof Uint8Array) || bytes.length === 0) {
      throw new TypeError(`parts.models["${f}"] must be the serialized ONNX model (a non-empty Uint8Array)`);
    }
    files[f] = { sha256: sha256Hex(bytes) };
  }
  const manifest: BundleManifest = {
    format: BUNDLE_FORMAT,
    name: parts.name,
    dims: parts.dims,
    actionNormalization: parts.actionNormalization,
    tokenizer: parts.tokenizer,
    backbone: parts.backbone,
    files: files as BundleFileMap<{ sha256: string }>,
    ...(parts.execution === undefined ? {} : { execution: parts.execution }),
    ...(parts.trainedOn === undefined ? {} : { trainedOn: parts.trainedOn }),
    ...(parts.continuous === undefined ? {} : { continuous: parts.continuous }),
    provenance: parts.provenance,
  };
  return validateBundleManifest(JSON.parse(JSON.stringify(manifest)), `${parts.name}/manifest.json`);
}

async function exists(path: string): Promise<boolean> {
  try {
    await stat(path);
    return true;
  } catch {
    return false;
  }
}

/**
 * Writes a complete model bundle to `dir`: `manifest.json` (validated, sha256 of every ONNX
 * file) and the five ONNX files. Everything is written into a sibling temporary folder which is
 * renamed to `dir` at the end, so a failure never leaves a half-written bundle behind. An
 * existing `dir` is refused unless `overwrite` is set (then it is replaced). Returns the manifest.
 */
export async function writeBundle(
  dir: string,
  parts: BundleParts,
  options: { overwrite?: boolean } = {},
): Promise<BundleManifest> {
  const target = resolve(dir);
  const manifest = bundleManifest(parts);
  if ((await exists(target)) && !options.overwrite) {
    throw new HeadsError('IO_ERROR', `${target} already exists (pass overwrite to replace it)`, { subject: target });
  }
  const stamp = `${process.pid}-${Date.now().toString(36)}`;
  const tmp = join(dirname(target), `.${basename(target)}.partial-${stamp}`);
  const old = join(dirname(target), `.${basename(target)}.old-${stamp}`);
  try {
    await mkdir(tmp, { recursive: true });
    for (const f of bundleFilesOf(parts)) await writeFile(join(tmp, f), parts.models[f]!);
    await writeFile(join(tmp, 'manifest.json'), `${JSON.stringify(manifest, null, 2)}\n`);
    const replacing = await exists(target);
    if (replacing) await rename(target, old);
    await rename(tmp, target);
    if (replacing) await rm(old, { recursive: true, force: true });
  } catch (cause) {
    // best-effort cleanup; the error reported is the write failure itself
    await rm(tmp, { recursive: true, force: true }).catch(() => undefined);
    throw new HeadsError('IO_ERROR', `could not write the bundle ${target}: ${(cause as Error).message}`, {
      subject: target,
      cause,
    });
  }
  return manifest;
}
