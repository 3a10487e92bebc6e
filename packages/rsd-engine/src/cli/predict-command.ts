import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { parseAcceptance, type Acceptance } from '../acceptance.ts';
import type { ExecutionProvider } from '../backend/inference-backend.ts';
import type { DecodeMode } from '../decode/decode-plan.ts';
import { loadEngine as defaultLoadEngine, type LoadEngineOptions } from '../engine/load-engine.ts';
import type { RsdEngine } from '../engine/rsd-engine.ts';
import { RsdError } from '../errors/rsd-error.ts';
import { encodeNpy } from '@rsd/rfsq';
import { decodeNpyInput } from './decode-npy-input.ts';
import type { CallStats } from '../stats/call-stats.ts';
import type { EngineStatistics } from '../stats/statistics-aggregator.ts';

export interface PredictOptions {
  readonly bundle: string;
  /** `.npy` float32 (or float64, converted) [N, F]. */
  readonly features: string;
  readonly mode: DecodeMode;
  /** `exact`, `relaxed:<t>`, `sample:<T>:<seed>` or a parsed rule. */
  readonly acceptance: string | Acceptance;
  readonly draftLayers?: number;
  readonly out: string;
  /** Rows per engine call (default 8). */
  readonly batchSize?: number;
  readonly executionProviders?: readonly ExecutionProvider[];
  readonly intraOpNumThreads?: number;
}

export interface PredictDeps {
  readonly loadEngine?: (dir: string, options: LoadEngineOptions) => Promise<RsdEngine>;
  readonly log?: (line: string) => void;
}

export interface PredictResult {
  readonly n: number;
  readonly files: { readonly tokens: string; readonly actions: string; readonly stats: string };
  readonly summary: EngineStatistics;
}

/**
 * `predict`: decodes features from a `.npy` file with a bundle and writes `tokens.npy`
 * (int32 [N, C, H, L]), `actions.npy` (float32 [N, C, A]) and `stats.json` (every call's
 * {@link CallStats} and the aggregate) to `out`.
 */
export async function runPredict(options: PredictOptions, deps: PredictDeps = {}): Promise<PredictResult> {
  const log = deps.log ?? (() => {});
  const acceptance = typeof options.acceptance === 'string' ? parseAcceptance(options.acceptance) : options.acceptance;
  const batchSize = options.batchSize ?? 8;
  if (!Number.isInteger(batchSize) || batchSize < 1) throw new RsdError('INVALID_OPTIONS', `--batch-size must be a positive integer, got ${batchSize}`, { subject: 'batchSize' });
  let bytes: Uint8Array;
  try {
    bytes = new Uint8Array(await readFile(options.features));
  } catch (error) {
    throw new RsdError('INVALID_INPUT', `--features ${options.features}: ${(error as Error).message}`, { subject: options.features, cause: error });
  }
  const array = decodeNpyInput(bytes, options.features);
  if ((array.dtype !== 'float32' && array.dtype !== 'float64') || array.shape.length !== 2) {
    throw new RsdError('INVALID_INPUT', `${options.features}: features must be float32 [N, F], got ${array.dtype} [${array.shape.join(', ')}]`, {
      subject: options.features,
    });
  }
  const [N, F] = array.shape as [number, number];
  const features = array.dtype === 'float32' ? array.data : Float32Array.from(array.data);
  const engine = await (deps.loadEngine ?? defaultLoadEngine)(options.bundle, {
    log,
    ...(options.executionProviders ? { executionProviders: options.executionProviders } : {}),
    ...(options.intraOpNumThreads ? { intraOpNumThreads: options.intraOpNumThreads } : {}),
  });
  try {
    const { C, H, L, A } = engine.manifest.dims;
    if (F !== engine.manifest.dims.F) {
      throw new RsdError('INVALID_INPUT', `${options.features}: features have F = ${F}, the bundle's manifest.json dims.F is ${engine.manifest.dims.F}`, {
        subject: 'features',
      });
    }
    const tokens = new Int32Array(N * C * H * L);
    const actions = new Float32Array(N * C * A);
    const calls: CallStats[] = [];
    for (let start = 0; start < N; start += batchSize) {
      const B = Math.min(batchSize, N - start);
      const r = await engine.predictFromFeatures(features.subarray(start * F, (start + B) * F), B, {
        mode: options.mode,
        acceptance,
        ...(options.draftLayers === undefined ? {} : { draftLayers: options.draftLayers }),
      });
      tokens.set(r.tokens, start * C * H * L);
      actions.set(r.actions, start * C * A);
      calls.push(r.stats);
      log(`rsd-engine predict: rows ${start}..${start + B - 1} of ${N}, accepted layers ${r.stats.acceptedLayers.join(' ')}`);
    }
    const summary = engine.statistics();
    await mkdir(options.out, { recursive: true });
    const files = { tokens: join(options.out, 'tokens.npy'), actions: join(options.out, 'actions.npy'), stats: join(options.out, 'stats.json') };
    await writeFile(files.tokens, encodeNpy({ dtype: 'int32', shape: [N, C, H, L], data: tokens }));
    await writeFile(files.actions, encodeNpy({ dtype: 'float32', shape: [N, C, A], data: actions }));
    const stats = {
      bundle: options.bundle,
      manifest: engine.manifest.name,
      mode: options.mode,
      acceptance,
      draftLayers: options.mode === 'rsd' ? (options.draftLayers ?? engine.manifest.dims.k) : 0,
      batchSize,
      n: N,
      executionProviders: engine.executionProviders,
      summary,
      calls,
    };
    await writeFile(files.stats, `${JSON.stringify(stats, null, 2)}\n`);
    return { n: N, files, summary };
  } finally {
    await engine.close();
  }
}
