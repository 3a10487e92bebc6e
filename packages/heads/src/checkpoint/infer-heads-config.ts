import { HeadsError } from '../errors/heads-error.ts';
import { validateHeadsConfig } from '../heads-config.ts';
import type { HeadsConfig } from '../heads-config.ts';
import type { HeadArch } from '../model/head-parameters.ts';
import type { CheckpointTensor } from './checkpoint-tensor.ts';
import { selectPrefixed } from './head-weights-from-state-dict.ts';

const FIELDS = ['F', 'C', 'H', 'L', 'K', 'draftLayers', 'mainWidth', 'mainDepth', 'draftWidth', 'draftDepth'] as const;
type Field = (typeof FIELDS)[number];

/** Options of {@link inferHeadsConfig}. */
export interface InferConfigOptions {
  readonly arch: HeadArch;
  /** Names the checkpoint in errors. */
  readonly source: string;
  /** See `HeadWeightsOptions.prefix`. */
  readonly prefix?: string | undefined;
}

function countLayers(names: Iterable<string>, pattern: RegExp): number {
  let n = 0;
  for (const name of names) {
    const m = pattern.exec(name);
    if (m) n = Math.max(n, Number(m[1]) + 1);
  }
  return n;
}

function dim(t: CheckpointTensor | undefined, axis: number): number | undefined {
  return t !== undefined && t.shape.length === 2 ? t.shape[axis] : undefined;
}

/**
 * What the parameter shapes of a head's state_dict fix: `F`, the head's width and depth.
 * (`C`, `H`, `L`, `K` and `draftLayers` appear only as products and are never guessed.)
 */
export function configFromShapes(
  stateDict: ReadonlyMap<string, CheckpointTensor>,
  options: InferConfigOptions,
): Partial<HeadsConfig> {
  const sd = selectPrefixed(stateDict, options.prefix);
  const out: Partial<Record<Field, number>> = {};
  if (options.arch === 'main') {
    out.mainWidth = dim(sd.get('in_features.weight'), 0);
    out.F = dim(sd.get('in_features.weight'), 1);
    if (sd.has('in_features.weight')) out.mainDepth = 1 + countLayers(sd.keys(), /^hidden\.(\d+)\.weight$/);
  } else {
    const depth = countLayers(sd.keys(), /^blocks\.(\d+)\.weight$/);
    if (sd.has('out.weight')) out.draftDepth = depth;
    if (depth > 0) {
      out.draftWidth = dim(sd.get('blocks.0.weight'), 0);
      out.F = dim(sd.get('blocks.0.weight'), 1);
    } else {
      out.F = dim(sd.get('out.weight'), 1);
    }
  }
  for (const k of Object.keys(out) as Field[]) if (out[k] === undefined) delete out[k];
  return out as Partial<HeadsConfig>;
}

/**
 * The full config of a head: `given` fields (a `--config` file and/or the checkpoint's own
 * `config`) completed by what the shapes fix ({@link configFromShapes}). A given field that
 * contradicts the shapes → HeadsError CHECKPOINT_MISMATCH naming it; a field neither given nor
 * fixed → INVALID_CONFIG naming the missing fields.
 */
export function inferHeadsConfig(
  stateDict: ReadonlyMap<string, CheckpointTensor>,
  given: Partial<HeadsConfig>,
  options: InferConfigOptions,
): HeadsConfig {
  const anchor = options.arch === 'main' ? 'in_features.weight' : 'out.weight';
  if (!selectPrefixed(stateDict, options.prefix).has(anchor)) {
    const name = `${options.prefix ?? ''}${anchor}`;
    throw new HeadsError(
      'CHECKPOINT_MISMATCH',
      `${options.source}: no parameter "${name}", so this is not a ${options.arch} head of python/rsd_heads.py (wrong --arch, --key or --prefix?)`,
      { subject: name },
    );
  }
  const shapes = configFromShapes(stateDict, options);
  const merged: Partial<Record<Field, number>> = { ...given };
  for (const [k, v] of Object.entries(shapes) as [Field, number][]) {
    const g = given[k];
    if (g !== undefined && g !== v) {
      throw new HeadsError(
        'CHECKPOINT_MISMATCH',
        `${options.source}: config field "${k}" is ${g}, but the ${options.arch} head's parameter shapes say ${v}`,
        {
          subject: k,
        },
      );
    }
    merged[k] = v;
  }
  const missing = FIELDS.filter((f) => merged[f] === undefined);
  if (missing.length > 0) {
    throw new HeadsError(
      'INVALID_CONFIG',
      `${options.source}: config fields ${missing.join(', ')} are neither given (--config, or a "config" entry in the checkpoint) nor fixed by the parameter shapes`,
      { subject: missing[0]! },
    );
  }
  return validateHeadsConfig(merged, `${options.source} config`);
}

/** Picks the HeadsConfig fields out of any JSON object (others are ignored); non-objects → {}. */
export function pickHeadsConfigFields(value: unknown): Partial<HeadsConfig> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return {};
  const out: Partial<Record<Field, unknown>> = {};
  for (const f of FIELDS) if (f in value) out[f] = (value as Record<string, unknown>)[f];
  return out as Partial<HeadsConfig>;
}
