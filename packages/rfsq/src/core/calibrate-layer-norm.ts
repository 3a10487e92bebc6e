import type { RfsqConfig } from './rfsq-config.ts';
import type { ResidualLayerNorm } from './residual-fsq.ts';
import { residualQuantize } from './residual-fsq.ts';

/**
 * Robust RFSQ's fixed per-layer normalisation from data: layer by layer, `shift_l` is the mean
 * and `scale_l` is `rangeFactor` × the std of the residual entering layer l (computed with
 * layers < l already fixed), so each quantizer sees its residual at the same scale.
 * z: float32 [N, C, H] latents → float [L] scales and shifts.
 */
export function calibrateLayerNorm(z: Float32Array, config: RfsqConfig, rangeFactor = 1.6): ResidualLayerNorm {
  if (!(rangeFactor > 0)) throw new RangeError(`rangeFactor must be > 0, got ${rangeFactor}`);
  const layerScales = Array.from({ length: config.L }, () => 1);
  const layerShifts = Array.from({ length: config.L }, () => 0);
  const P = z.length;
  if (P === 0) throw new RangeError('z must not be empty');
  for (let l = 0; l < config.L; l++) {
    const { residuals } = residualQuantize(z, config, { layerScales, layerShifts }, { keepResiduals: true });
    const r = residuals!.subarray(l * P, (l + 1) * P);
    let s = 0;
    let s2 = 0;
    for (const v of r) {
      s += v;
      s2 += v * v;
    }
    const mean = s / P;
    layerShifts[l] = mean;
    layerScales[l] = Math.max(rangeFactor * Math.sqrt(Math.max(0, s2 / P - mean * mean)), 1e-8);
  }
  return { layerScales, layerShifts };
}
