import type { Acceptance } from '../acceptance.ts';
import { RsdError } from '../errors/rsd-error.ts';

/**
 * `baseline`: main head alone, L sequential passes. `rsd`: the draft proposes layers 0..k−1, main
 * verifies and keeps verifying its own guesses (speculative Jacobi over depth). `jacobi`: the same
 * loop with no draft.
 */
export type DecodeMode = 'baseline' | 'rsd' | 'jacobi';

/** Every decoding mode, in report order. */
export const DECODE_MODES: readonly DecodeMode[] = ['baseline', 'rsd', 'jacobi'];

/** What one decoding call does. */
export interface DecodePlan {
  readonly mode: DecodeMode;
  readonly acceptance: Acceptance;
  /** Layers the draft proposes (k), 1..draftModelLayers; used by `rsd` only. */
  readonly draftLayers: number;
}

/** The tolerance of layer `l` under `relaxed` (0 for `exact`; not used by `sample`). */
export function toleranceOf(acceptance: Acceptance, l: number): number {
  if (acceptance.kind !== 'relaxed') return 0;
  const t = acceptance.tolerance;
  return typeof t === 'number' ? t : t[l]!;
}

/**
 * Checks a plan against the models' sizes (`draftModelLayers` 0: no draft model); mistakes are
 * INVALID_OPTIONS errors naming the option.
 */
export function checkDecodePlan(plan: DecodePlan, L: number, draftModelLayers: number): void {
  const bad = (subject: string, why: string) => new RsdError('INVALID_OPTIONS', `${subject}: ${why}`, { subject });
  if (!DECODE_MODES.includes(plan.mode)) throw bad('mode', `must be one of ${DECODE_MODES.join(', ')}, got ${JSON.stringify(plan.mode)}`);
  const k = plan.draftLayers;
  if (plan.mode === 'rsd') {
    if (draftModelLayers === 0) throw bad('mode', 'rsd needs a draft model and this bundle has no draft.onnx: use mode "jacobi" (no draft) or "baseline"');
    if (!Number.isInteger(k) || k < 1 || k > Math.min(L, draftModelLayers)) {
      throw bad('draftLayers', `must be an integer in 1..${Math.min(L, draftModelLayers)} (the draft model proposes ${draftModelLayers} of L=${L} layers), got ${k}`);
    }
  }
  const a = plan.acceptance;
  if (a.kind === 'relaxed') {
    const t = a.tolerance;
    const list = typeof t === 'number' ? [t] : t;
    if (list.some((x) => !Number.isInteger(x) || x < 0)) throw bad('acceptance', 'relaxed tolerances must be non-negative integers');
    if (typeof t !== 'number' && t.length !== L) {
      // every undecided layer can be checked (draft- or main-proposed), so each needs its tolerance
      throw bad('acceptance', `relaxed lists ${t.length} tolerances but L=${L} layers are checked (give one per layer, or a single number)`);
    }
  } else if (a.kind === 'sample') {
    if (!(a.temperature > 0) || !Number.isFinite(a.temperature)) throw bad('acceptance', 'sample temperature must be a positive number');
    if (!Number.isInteger(a.seed) || a.seed < 0) throw bad('acceptance', 'sample seed must be a non-negative integer');
  } else if (a.kind !== 'exact') {
    throw bad('acceptance', `unknown kind ${JSON.stringify((a as { kind: unknown }).kind)}`);
  }
}
