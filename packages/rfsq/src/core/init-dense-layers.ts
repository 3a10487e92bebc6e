import type { SeededPrng } from '../util/seeded-prng.ts';
import type { DenseLayer } from './dense-layer.ts';

/**
 * Glorot-uniform weights and zero biases for an MLP with the given widths
 * (`widths = [in, hidden…, out]`).
 */
export function initDenseLayers(widths: readonly number[], rng: SeededPrng): DenseLayer[] {
  const layers: DenseLayer[] = [];
  for (let i = 0; i + 1 < widths.length; i++) {
    const inDim = widths[i]!;
    const outDim = widths[i + 1]!;
    const limit = Math.sqrt(6 / (inDim + outDim));
    const weight = new Float32Array(inDim * outDim);
    for (let j = 0; j < weight.length; j++) weight[j] = rng.uniform(-limit, limit);
    layers.push({ inDim, outDim, weight, bias: new Float32Array(outDim) });
  }
  return layers;
}
