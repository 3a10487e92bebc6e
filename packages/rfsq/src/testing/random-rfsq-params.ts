import type { RfsqVariant } from '../core/rfsq-config.ts';
import { rfsqConfig } from '../core/rfsq-config.ts';
import type { RfsqParams } from '../core/rfsq-params.ts';
import { RFSQ_FORMAT, validateRfsqParams } from '../core/rfsq-params.ts';
import { initDenseLayers } from '../core/init-dense-layers.ts';
import { SeededPrng } from '../util/seeded-prng.ts';

/**
 * Valid random-weight tokenizer params, the same for the same seed: Glorot weights, small
 * random biases, action bounds around zero with random widths, and for `robust` per-layer
 * scales shrinking by `2/(K−1)` per layer (as a trained tokenizer's do) with small shifts;
 * `naive` has scales 1 and shifts 0. For tests and for random-weight model bundles.
 */
export function randomRfsqParams(
  dims: { C: number; A: number; H: number; L: number; K?: number; levels?: readonly number[]; variant: RfsqVariant; hidden?: readonly number[] },
  seed: number,
): RfsqParams {
  const config = rfsqConfig({ ...dims, hidden: dims.hidden ?? [32] });
  const rng = new SeededPrng(seed);
  const { C, A, H, L, K } = config;
  const encoder = initDenseLayers([C * A, ...config.hidden, C * H], rng);
  const decoder = initDenseLayers([C * H, ...[...config.hidden].reverse(), C * A], rng);
  for (const layer of [...encoder, ...decoder]) for (let i = 0; i < layer.bias.length; i++) layer.bias[i] = rng.uniform(-0.1, 0.1);
  const low: number[] = [];
  const high: number[] = [];
  for (let d = 0; d < A; d++) {
    const center = rng.uniform(-0.2, 0.2);
    const half = rng.uniform(0.05, 1.5);
    low.push(center - half);
    high.push(center + half);
  }
  const robust = config.variant === 'robust';
  const ratio = 2 / (K - 1);
  const layerScales = Array.from({ length: L }, (_, l) => (robust ? 0.8 * ratio ** l * rng.uniform(0.8, 1.25) : 1));
  const layerShifts = layerScales.map((s) => (robust ? s * rng.uniform(-0.05, 0.05) : 0));
  const params: RfsqParams = {
    format: RFSQ_FORMAT,
    config,
    actionNormalization: { kind: 'bounds', low, high },
    layerScales,
    layerShifts,
    encoder,
    decoder,
  };
  validateRfsqParams(params);
  return params;
}
