import type { Acceptance } from '../acceptance.ts';
import { toleranceOf } from './decode-plan.ts';

/**
 * The latent deviation an accepted relaxed token may add at its position, per layer:
 * `tolerance(l) · step(l)` with the FSQ step `2 / (K − 1)` in normalised units times the
 * tokenizer's fixed scale of layer l (SPEC §1.3). Layers not proposed (l >= k) are decided by
 * the main head and get 0. Returns float [L]; `undefined` unless `acceptance` is relaxed.
 */
export function relaxedAllowance(
  acceptance: Acceptance,
  layerScales: readonly number[],
  K: number,
  draftLayers: number,
): number[] | undefined {
  if (acceptance.kind !== 'relaxed') return undefined;
  const step = 2 / (K - 1);
  return layerScales.map((scale, l) => (l < draftLayers ? toleranceOf(acceptance, l) * step * scale : 0));
}
