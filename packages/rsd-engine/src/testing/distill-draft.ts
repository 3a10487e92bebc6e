import type { DraftWeights, HeadsConfig } from '@rsd/heads';

/**
 * Fits a one-block draft head (ARCHITECTURE.md, `draftDepth` = 1) to reproduce given tokens,
 * by ridge regression of one-hot targets: the block `blocks.0` stays as given (e.g. random), so
 * the draft is `out(relu(blocks.0(features)))` with `out` minimising
 * `Σ ‖out(φ_n) − onehot(tokens_n)‖² + λ ‖out.weight‖²` in closed form (Cholesky).
 * This is how benchmark bundles get a draft that agrees with their main head; it is not the
 * project's training pipeline.
 *
 * features: float32 [N, F]; tokens: int32 [N, C, H, L] (layers < draftLayers are fitted).
 */
export function distillDraftLeastSquares(
  cfg: HeadsConfig,
  block: { readonly weight: Float32Array; readonly bias: Float32Array },
  features: Float32Array,
  tokens: Int32Array,
  N: number,
  lambda = 1e-2,
): DraftWeights {
  if (cfg.draftDepth !== 1) throw new RangeError(`cfg.draftDepth must be 1, got ${cfg.draftDepth}`);
  const { F, C, H, L, K } = cfg;
  const E = cfg.draftWidth;
  const k = cfg.draftLayers;
  const P = C * H;
  const M = P * k * K;
  if (block.weight.length !== E * F || block.bias.length !== E) throw new RangeError(`block must be blocks.0 of [${E}, ${F}]`);
  if (features.length !== N * F) throw new RangeError(`features must be [N=${N}, F=${F}]`);
  if (tokens.length !== N * P * L) throw new RangeError(`tokens must be [N=${N}, C=${C}, H=${H}, L=${L}]`);
  const D = E + 1; // hidden units + a constant 1 for the bias
  const gram = new Float64Array(D * D);
  const rhs = new Float64Array(D * M); // [D, M]
  const phi = new Float64Array(D);
  for (let n = 0; n < N; n++) {
    for (let e = 0; e < E; e++) {
      let s = block.bias[e]!;
      for (let f = 0; f < F; f++) s += block.weight[e * F + f]! * features[n * F + f]!;
      phi[e] = s > 0 ? s : 0;
    }
    phi[E] = 1;
    for (let i = 0; i < D; i++) {
      const pi = phi[i]!;
      if (pi === 0) continue;
      for (let j = 0; j <= i; j++) gram[i * D + j]! += pi * phi[j]!;
    }
    for (let pos = 0; pos < P; pos++) {
      for (let l = 0; l < k; l++) {
        const col = (pos * k + l) * K + tokens[(n * P + pos) * L + l]!;
        for (let i = 0; i < D; i++) rhs[i * M + col]! += phi[i]!;
      }
    }
  }
  for (let i = 0; i < D; i++) {
    for (let j = 0; j < i; j++) gram[j * D + i] = gram[i * D + j]!;
    if (i < E) gram[i * D + i]! += lambda * N;
  }
  const x = solveSpd(gram, rhs, D, M);
  const outWeight = new Float32Array(M * E);
  const outBias = new Float32Array(M);
  for (let m = 0; m < M; m++) {
    for (let e = 0; e < E; e++) outWeight[m * E + e] = x[e * M + m]!;
    outBias[m] = x[E * M + m]!;
  }
  return { 'blocks.0.weight': block.weight, 'blocks.0.bias': block.bias, 'out.weight': outWeight, 'out.bias': outBias };
}

/** Solves A X = B for symmetric positive definite A [D, D] and B [D, M] (Cholesky), returning X [D, M]. */
function solveSpd(a: Float64Array, b: Float64Array, D: number, M: number): Float64Array {
  const l = new Float64Array(D * D);
  for (let i = 0; i < D; i++) {
    for (let j = 0; j <= i; j++) {
      let s = a[i * D + j]!;
      for (let p = 0; p < j; p++) s -= l[i * D + p]! * l[j * D + p]!;
      if (i === j) {
        if (!(s > 0)) throw new RangeError('distillDraftLeastSquares: the regression matrix is not positive definite (raise lambda)');
        l[i * D + i] = Math.sqrt(s);
      } else l[i * D + j] = s / l[j * D + j]!;
    }
  }
  const y = Float64Array.from(b);
  for (let i = 0; i < D; i++) {
    for (let p = 0; p < i; p++) {
      const lip = l[i * D + p]!;
      if (lip !== 0) for (let m = 0; m < M; m++) y[i * M + m]! -= lip * y[p * M + m]!;
    }
    const d = l[i * D + i]!;
    for (let m = 0; m < M; m++) y[i * M + m]! /= d;
  }
  for (let i = D - 1; i >= 0; i--) {
    for (let p = i + 1; p < D; p++) {
      const lpi = l[p * D + i]!;
      if (lpi !== 0) for (let m = 0; m < M; m++) y[i * M + m]! -= lpi * y[p * M + m]!;
    }
    const d = l[i * D + i]!;
    for (let m = 0; m < M; m++) y[i * M + m]! /= d;
  }
  return y;
}
