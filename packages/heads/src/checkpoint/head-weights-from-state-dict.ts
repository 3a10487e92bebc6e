import { HeadsError } from '../errors/heads-error.ts';
import type { HeadsConfig } from '../heads-config.ts';
import { headParameterSpecs } from '../model/head-parameters.ts';
import type { DraftWeights, HeadArch, MainWeights } from '../model/head-parameters.ts';
import type { CheckpointTensor } from './checkpoint-tensor.ts';
import { describeTensor, isFloatDType } from './checkpoint-tensor.ts';

/** Options of {@link headWeightsFromStateDict}. */
export interface HeadWeightsOptions {
  readonly arch: HeadArch;
  /** Names the checkpoint in errors. */
  readonly source: string;
  /**
   * Only entries starting with this prefix are the head's (e.g. `draft.` in a module holding
   * both heads, `module.` after DataParallel); it is stripped. Default: every entry, unprefixed.
   */
  readonly prefix?: string | undefined;
}

function mismatch(source: string, subject: string, detail: string): HeadsError {
  return new HeadsError('CHECKPOINT_MISMATCH', `${source}: ${detail}`, { subject });
}

/** The state_dict entries under `prefix`, with the prefix stripped. */
export function selectPrefixed(
  stateDict: ReadonlyMap<string, CheckpointTensor>,
  prefix: string | undefined,
): Map<string, CheckpointTensor> {
  if (prefix === undefined || prefix === '') return new Map(stateDict);
  const out = new Map<string, CheckpointTensor>();
  for (const [name, t] of stateDict) if (name.startsWith(prefix)) out.set(name.slice(prefix.length), t);
  return out;
}

/** A hint when names look prefixed (`module.out.weight` while `out.weight` is wanted). */
function prefixHint(names: Iterable<string>, wanted: string): string {
  for (const n of names) {
    if (n.endsWith(`.${wanted}`)) return ` (found "${n}": pass the prefix "${n.slice(0, n.length - wanted.length)}")`;
  }
  return '';
}

function toFloat32(t: CheckpointTensor): Float32Array {
  if (t.data instanceof Float32Array) return t.data; // float32, float16 and bfloat16 decode exactly to float32
  return Float32Array.from(t.data as Float64Array); // float64: rounded to nearest float32
}

/**
 * Maps a PyTorch state_dict of `python/rsd_heads.py` (`DraftHead` / `MainHead`) to the weights
 * the TF.js model and the ONNX export take (same names, float32, row-major `[out, in]`; see
 * ARCHITECTURE.md). Pure: the state_dict is not modified.
 * - float32/float16/bfloat16 are exact; float64 is rounded to float32; integer/bool → error;
 * - a missing, extra or wrong-shaped parameter → HeadsError CHECKPOINT_MISMATCH naming it.
 */
export function headWeightsFromStateDict(
  stateDict: ReadonlyMap<string, CheckpointTensor>,
  cfg: HeadsConfig,
  options: HeadWeightsOptions,
): DraftWeights | MainWeights {
  const { arch, source } = options;
  const entries = selectPrefixed(stateDict, options.prefix);
  const specs = headParameterSpecs(cfg, arch);
  const weights: Record<string, Float32Array> = {};
  for (const spec of specs) {
    const t = entries.get(spec.name);
    const name = `${options.prefix ?? ''}${spec.name}`;
    if (t === undefined) {
      throw mismatch(
        source,
        name,
        `missing parameter "${name}" float32[${spec.shape.join(',')}] of the ${arch} head${prefixHint(stateDict.keys(), spec.name)}`,
      );
    }
    if (!isFloatDType(t.dtype)) {
      throw mismatch(source, name, `parameter "${name}" is ${describeTensor(t)}, expected a floating-point tensor`);
    }
    if (t.shape.length !== spec.shape.length || t.shape.some((d, i) => d !== spec.shape[i])) {
      throw mismatch(
        source,
        name,
        `parameter "${name}" is ${describeTensor(t)}, expected [${spec.shape.join(',')}] for the ${arch} head of this config`,
      );
    }
    weights[spec.name] = toFloat32(t);
  }
  const expected = new Set(specs.map((s) => s.name));
  const extra = [...entries.keys()].filter((n) => !expected.has(n));
  if (extra.length > 0) {
    const name = `${options.prefix ?? ''}${extra[0]!}`;
    throw mismatch(
      source,
      name,
      `unexpected parameter${extra.length > 1 ? 's' : ''} ${extra.map((n) => `"${options.prefix ?? ''}${n}"`).join(', ')} for the ${arch} head`,
    );
  }
  return weights;
}
