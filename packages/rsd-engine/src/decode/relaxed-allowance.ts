import type { Acceptance } from '../acceptance.ts';
import { toleranceOf, type DecodeMode } from './decode-plan.ts';

/**
 * The latent deviation a kept relaxed token may add at its position, per layer:
 * `tolerance(l) · step(l)` with the FSQ step `2 / (K − 1)` in normalised units times the
 * tokenizer's fixed scale of layer l (SPEC §1.3). With Jacobi verification every layer can keep a
 * proposed token (the draft's or main's own earlier guess), so every layer gets its allowance;
 * `baseline` checks no proposals and gets 0 everywhere. Returns float [L]; `undefined` unless
 * `acceptance` is relaxed.
 */
export function relaxedAllowance(acceptance: Acceptance, layerScales: readonly number[], K: number, mode: DecodeMode): number[] | undefined {
  if (acceptance.kind !== 'relaxed') return undefined;
  const step = 2 / (K - 1);
  return layerScales.map((scale, l) => (mode === 'baseline' ? 0 : toleranceOf(acceptance, l) * step * scale));
}
