import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { validateHeadsConfig, writeBundle, type BundleManifest } from '@rsd/heads';
import { EvalError } from '../errors/eval-error.ts';
import { loadActionTokenizer } from './action-tokenizer.ts';

/** Options of {@link assembleExternalBundle} (`rsd-eval bundle-external`). */
export interface ExternalBundleOptions {
  /** A `heads:train` output folder: heads.json, main.onnx, draft.onnx (report.json optional). */
  readonly heads: string;
  /** The RFSQ folder or bundle the training tokens came from (its encoder, decoder and normalisation). */
  readonly rfsq: string;
  /** What computes the features, e.g. `openvla:openvla-7b-oft-finetuned-libero-spatial`. */
  readonly provider: string;
  readonly out: string;
  readonly name?: string;
  /** The size the environment renders for the provider (default 224; openvla-oft renders 256 and crops). */
  readonly imageSize?: number;
  /** Where the training demos came from (default `libero_spatial` on `python`, real LIBERO). */
  readonly suite?: string;
  readonly env?: string;
  /** The features.json of `rsd-eval features` (recorded in the provenance when given). */
  readonly featuresMeta?: string;
  readonly overwrite?: boolean;
}

function readJson(path: string, what: string): Record<string, unknown> {
  if (!existsSync(path)) throw new EvalError('INVALID_FLAG', `${what}: ${path} does not exist`, { subject: path });
  try {
    return JSON.parse(readFileSync(path, 'utf8')) as Record<string, unknown>;
  } catch (cause) {
    throw new EvalError('INVALID_FLAG', `${path}: not valid JSON`, { subject: path, cause });
  }
}

function readModel(dir: string, file: string): Uint8Array {
  const path = join(dir, file);
  if (!existsSync(path)) throw new EvalError('INVALID_FLAG', `--heads ${dir}: ${file} is missing (a heads:train output folder holds heads.json, main.onnx, draft.onnx)`, { subject: path });
  return new Uint8Array(readFileSync(path));
}

/**
 * Phase 2's last step: a model bundle of kind `external` (manifest `backbone: { kind: 'external',
 * provider, F }`, no backbone.onnx) from trained heads and the RFSQ tokenizer their tokens came
 * from. Sizes must agree (C, H, L, K of heads and tokenizer); every mismatch names both sides.
 */
export async function assembleExternalBundle(options: ExternalBundleOptions): Promise<BundleManifest> {
  if (options.provider.trim() === '') throw new EvalError('INVALID_FLAG', '--provider must name what computes the features', { subject: 'provider' });
  const headsJson = join(options.heads, 'heads.json');
  let cfg;
  try {
    cfg = validateHeadsConfig(readJson(headsJson, '--heads'), headsJson);
  } catch (error) {
    if (EvalError.isInstance(error)) throw error;
    throw new EvalError('INVALID_FLAG', (error as Error).message, { subject: headsJson, cause: error });
  }
  const main = readModel(options.heads, 'main.onnx');
  const draft = existsSync(join(options.heads, 'draft.onnx')) ? readModel(options.heads, 'draft.onnx') : undefined;
  const tokenizer = await loadActionTokenizer(options.rfsq);
  try {
    const t = tokenizer.dims;
    for (const k of ['C', 'H', 'L', 'K'] as const) {
      if (cfg[k] !== t[k]) throw new EvalError('INVALID_FLAG', `${headsJson} says ${k} = ${cfg[k]} but the tokenizer ${options.rfsq} has ${k} = ${t[k]}: train the heads on tokens of this tokenizer`, { subject: k });
    }
    const size = options.imageSize ?? 224;
    const featuresMeta = options.featuresMeta;
    const report = join(options.heads, 'report.json');
    return await writeBundle(
      resolve(options.out),
      {
        name: options.name ?? `external-${options.provider.replace(/[^A-Za-z0-9._-]+/g, '-')}`,
        dims: { C: t.C, A: t.A, H: t.H, L: t.L, K: t.K, F: cfg.F, k: draft === undefined ? 0 : cfg.draftLayers },
        actionNormalization: tokenizer.actionNormalization,
        tokenizer: tokenizer.tokenizer,
        backbone: { kind: 'external', provider: options.provider, F: cfg.F, image: { height: size, width: size } },
        trainedOn: { env: options.env ?? 'python', suite: options.suite ?? 'libero_spatial', conventions: 'libero' },
        provenance: {
          pipeline: '@rsd/eval-cli bundle-external',
          heads: { dir: resolve(options.heads), config: cfg, headsJsonSha256: createHash('sha256').update(readFileSync(headsJson)).digest('hex') },
          rfsq: resolve(options.rfsq),
          ...(featuresMeta !== undefined ? { features: readJson(featuresMeta, 'features.json') } : {}),
          ...(existsSync(report) ? { trainReport: readJson(report, 'report.json') } : {}),
          createdAt: new Date().toISOString(),
        },
        models: {
          ...(draft === undefined ? {} : { 'draft.onnx': draft }),
          'main.onnx': main,
          'rfsq_encoder.onnx': tokenizer.onnx.encoder,
          'rfsq_decoder.onnx': tokenizer.onnx.decoder,
        },
      },
      { overwrite: options.overwrite === true },
    );
  } finally {
    await tokenizer.close();
  }
}
