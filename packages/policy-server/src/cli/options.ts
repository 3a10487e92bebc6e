import { resolve } from 'node:path';
import { parseAcceptance, type DecodeOptions } from '@rsd/rsd-engine';
import type { BatchingOptions } from '../dynamic-batcher.ts';
import { LIBERO_MAPPING, parseStateMap, type ObservationMapping } from '../observation-mapping.ts';
import type { PolicyServerOptions } from '../policy-server.ts';

/** A mistake in the command line (exit code 2). */
export class UsageError extends Error {
  override readonly name = 'UsageError';
}

/** The `serve` flags, as parseArgs gives them. */
export const SERVE_FLAGS = {
  bundle: { type: 'string' },
  host: { type: 'string' },
  port: { type: 'string' },
  mode: { type: 'string' },
  acceptance: { type: 'string' },
  'draft-layers': { type: 'string' },
  'dynamic-batching': { type: 'string' },
  'max-rows': { type: 'string' },
  'gather-ms': { type: 'string' },
  'max-queue': { type: 'string' },
  'max-payload': { type: 'string' },
  'max-image-side': { type: 'string' },
  'image-key': { type: 'string' },
  'state-key': { type: 'string' },
  'prompt-key': { type: 'string' },
  'features-key': { type: 'string' },
  'state-map': { type: 'string' },
  threads: { type: 'string' },
  cpu: { type: 'boolean' },
} as const;

type Values = { readonly [K in keyof typeof SERVE_FLAGS]?: (typeof SERVE_FLAGS)[K]['type'] extends 'boolean' ? boolean : string };

/**
 * The folder the user typed the command in (through `npx nx run`, the root `.env` hands it on as
 * RSD_INVOCATION_CWD; `npm run` records INIT_CWD), so relative paths mean what the user meant.
 */
export function userPath(path: string, env: NodeJS.ProcessEnv = process.env): string {
  return resolve(env.RSD_INVOCATION_CWD || env.INIT_CWD || process.cwd(), path);
}

export function intFlag(name: string, v: string | undefined, min: number): number | undefined {
  if (v === undefined) return undefined;
  const n = Number(v);
  if (!Number.isInteger(n) || n < min) throw new UsageError(`--${name} must be an integer >= ${min}, got "${v}"`);
  return n;
}

function numberFlag(name: string, v: string | undefined): number | undefined {
  if (v === undefined) return undefined;
  const n = Number(v);
  if (!Number.isFinite(n) || n < 0) throw new UsageError(`--${name} must be a number >= 0, got "${v}"`);
  return n;
}

/** Parses `16777216`, `512k`, `16M` / `16MiB` (powers of 1024). */
export function bytesFlag(name: string, v: string | undefined): number | undefined {
  if (v === undefined) return undefined;
  const m = /^(\d+)\s*([kKmMgG]?)(i?[bB])?$/.exec(v.trim());
  if (m === null) throw new UsageError(`--${name} must be a size in bytes such as 16777216, 512k or 16M, got "${v}"`);
  const unit = { '': 1, k: 1024, m: 1024 ** 2, g: 1024 ** 3 }[m[2]!.toLowerCase() as '' | 'k' | 'm' | 'g'];
  return Number(m[1]) * unit;
}

export function decodeOptionsOf(values: { mode?: string; acceptance?: string; 'draft-layers'?: string }): DecodeOptions {
  const mode = values.mode ?? 'rsd';
  if (mode !== 'baseline' && mode !== 'rsd' && mode !== 'jacobi') throw new UsageError(`--mode must be baseline, rsd or jacobi, got "${mode}"`);
  const draftLayers = intFlag('draft-layers', values['draft-layers'], 1);
  return { mode, acceptance: parseAcceptance(values.acceptance ?? 'exact'), ...(draftLayers === undefined ? {} : { draftLayers }) };
}

/** `serve`'s flags → server options. */
export function serveOptionsOf(values: Values, log: (line: string) => void): PolicyServerOptions {
  if (values.bundle === undefined) throw new UsageError('--bundle <dir> is required (e.g. models/embedded_spatial)');
  const onOff = values['dynamic-batching'] ?? 'on';
  if (onOff !== 'on' && onOff !== 'off') throw new UsageError(`--dynamic-batching must be on or off, got "${onOff}"`);
  const batching: Partial<BatchingOptions> = {
    enabled: onOff === 'on',
    ...optional('maxRows', intFlag('max-rows', values['max-rows'], 1)),
    ...optional('gatherMs', numberFlag('gather-ms', values['gather-ms'])),
    ...optional('maxQueue', intFlag('max-queue', values['max-queue'], 1)),
  };
  const mapping: ObservationMapping = {
    imageKey: values['image-key'] ?? LIBERO_MAPPING.imageKey,
    stateKey: values['state-key'] ?? LIBERO_MAPPING.stateKey,
    promptKey: values['prompt-key'] ?? LIBERO_MAPPING.promptKey,
    featuresKey: values['features-key'] ?? LIBERO_MAPPING.featuresKey,
    stateSlices: values['state-map'] === undefined ? LIBERO_MAPPING.stateSlices : wrap(() => parseStateMap(values['state-map']!)),
  };
  const port = intFlag('port', values.port, 0);
  if (port !== undefined && port > 65535) throw new UsageError(`--port must be 0..65535, got ${port}`);
  const maxPayload = bytesFlag('max-payload', values['max-payload']);
  const maxImageSide = intFlag('max-image-side', values['max-image-side'], 1);
  const threads = intFlag('threads', values.threads, 1);
  return {
    bundle: userPath(values.bundle),
    host: values.host ?? '127.0.0.1',
    ...optional('port', port),
    decode: decodeOptionsOf(values),
    mapping,
    batching,
    ...optional('maxPayload', maxPayload),
    ...optional('maxImageSide', maxImageSide),
    ...optional('threads', threads),
    ...(values.cpu ? { executionProviders: ['cpu'] as const } : {}),
    log,
  };
}

function optional<K extends string, V>(key: K, v: V | undefined): { [P in K]?: V } {
  return (v === undefined ? {} : { [key]: v }) as { [P in K]?: V };
}

function wrap<T>(f: () => T): T {
  try {
    return f();
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
}
