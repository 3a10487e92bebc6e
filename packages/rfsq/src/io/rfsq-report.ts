import { normalizeActions } from '../core/action-normalization.ts';
import type { RfsqParams } from '../core/rfsq-params.ts';
import { residualQuantize } from '../core/residual-fsq.ts';
import { RfsqTokenizer } from '../core/rfsq-tokenizer.ts';

/** `report.json`: reconstruction quality of a tokenizer on a set of chunks, in normalised units. */
export interface RfsqReport {
  readonly variant: RfsqParams['config']['variant'];
  readonly chunks: number;
  /** MSE at all L layers (normalised units). */
  readonly mse: number;
  /** float [L]: MSE decoding only the first 1..L layers. */
  readonly mse_by_layers: number[];
  /** float [A]: MSE of each action dim at all L layers. */
  readonly mse_by_dim: number[];
  /** float [L]: std of the residual entering each layer (latent units; layer 0 = the latent). */
  readonly residual_std_by_layer: number[];
  /** float [L]: std of `(r_l − shift_l) / scale_l`, what each layer's quantizer sees (grid [-1, 1]). */
  readonly normalized_residual_std_by_layer: number[];
  /** float [L]: exp(entropy) of each layer's code histogram (1 = the layer carries nothing). */
  readonly code_perplexity_by_layer: number[];
}

/** Evaluates `params` on chunks float32 [N, C, A] in env units. */
export function computeRfsqReport(params: RfsqParams, chunks: Float32Array): RfsqReport {
  const tok = new RfsqTokenizer(params);
  const { C, A, H, L, K } = params.config;
  const N = chunks.length / (C * A);
  const target = normalizeActions(chunks, params.actionNormalization);
  const z = tok.encodeLatent(chunks);
  const { tokens, residuals } = residualQuantize(z, params.config, params, { keepResiduals: true });
  const mseOf = (xHat: Float32Array) => {
    let s = 0;
    for (let i = 0; i < xHat.length; i++) s += (xHat[i]! - target[i]!) ** 2;
    return s / xHat.length;
  };
  const mse_by_layers: number[] = [];
  let full: Float32Array = new Float32Array(0);
  for (let l = 1; l <= L; l++) {
    const xHat = tok.decodeLatentNormalized(tok.dequantize(tokens, l));
    mse_by_layers.push(mseOf(xHat));
    if (l === L) full = xHat;
  }
  const mse_by_dim = Array.from({ length: A }, (_, d) => {
    let s = 0;
    for (let i = d; i < full.length; i += A) s += (full[i]! - target[i]!) ** 2;
    return s / (N * C);
  });
  const P = N * C * H;
  const residual_std_by_layer: number[] = [];
  const normalized_residual_std_by_layer: number[] = [];
  const code_perplexity_by_layer: number[] = [];
  for (let l = 0; l < L; l++) {
    const r = residuals!.subarray(l * P, (l + 1) * P);
    residual_std_by_layer.push(std(r, 0, 1));
    normalized_residual_std_by_layer.push(std(r, params.layerShifts[l]!, params.layerScales[l]!));
    const hist = new Float64Array(K);
    for (let i = 0; i < P; i++) hist[tokens[i * L + l]!]!++;
    let entropy = 0;
    for (const h of hist) if (h > 0) entropy -= (h / P) * Math.log(h / P);
    code_perplexity_by_layer.push(Math.exp(entropy));
  }
  return {
    variant: params.config.variant,
    chunks: N,
    mse: mse_by_layers[L - 1]!,
    mse_by_layers,
    mse_by_dim,
    residual_std_by_layer,
    normalized_residual_std_by_layer,
    code_perplexity_by_layer,
  };
}

/** std of (x − shift) / scale (population). */
function std(x: Float32Array, shift: number, scale: number): number {
  let s = 0;
  let s2 = 0;
  for (const v of x) {
    const u = (v - shift) / scale;
    s += u;
    s2 += u * u;
  }
  const mean = s / x.length;
  return Math.sqrt(Math.max(0, s2 / x.length - mean * mean));
}
