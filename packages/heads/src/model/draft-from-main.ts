import type { HeadsConfig } from '../heads-config.ts';
import { checkHeadWeights, type DraftWeights, type MainWeights } from './head-parameters.ts';
import { hiddenDegree } from './made-masks.ts';

/**
 * Copies the main head's layer-0 path into a draft head, so the draft's layer-0 logits equal the
 * main head's (up to float rounding) before any training: main's layer 0 sees only its degree-0
 * hidden units, which see only `features` and each other (ARCHITECTURE.md), and a draft with as
 * many hidden layers holds that sub-network exactly. Draft hidden unit `j < n0` copies main unit
 * `j·L` (n0 = number of degree-0 units); the other draft units and the output rows of layers
 * 1..k−1 keep `base`'s values, and the copied units ignore the other units.
 * Needs `draftDepth === mainDepth` and `draftWidth >= ceil(mainWidth / L)` (RangeError otherwise).
 */
/** Throws RangeError naming the field when the config cannot hold main's layer-0 path. */
export function draftFromMainLayer0Check(cfg: HeadsConfig): void {
  const n0 = Math.ceil(cfg.mainWidth / cfg.L);
  const E = cfg.draftWidth;
  if (cfg.draftDepth !== cfg.mainDepth) {
    throw new RangeError(
      `cfg.draftDepth (${cfg.draftDepth}) must equal cfg.mainDepth (${cfg.mainDepth}) to copy main's layer-0 path`,
    );
  }
  if (E < n0) throw new RangeError(`cfg.draftWidth (${E}) must be >= ${n0}, the main head's degree-0 units`);
}

export function draftFromMainLayer0(cfg: HeadsConfig, main: MainWeights, base: DraftWeights): DraftWeights {
  checkHeadWeights(cfg, 'main', main, 'main');
  checkHeadWeights(cfg, 'draft', base, 'base');
  const { C, H, L, K, F } = cfg;
  const D = cfg.mainWidth;
  const E = cfg.draftWidth;
  const k = cfg.draftLayers;
  const units = Array.from({ length: D }, (_, i) => i).filter((i) => hiddenDegree(i, L) === 0);
  draftFromMainLayer0Check(cfg);
  const out: Record<string, Float32Array> = Object.fromEntries(Object.entries(base).map(([n, w]) => [n, w.slice()]));
  // first hidden layer: features → units
  const w0 = out['blocks.0.weight']!;
  const b0 = out['blocks.0.bias']!;
  units.forEach((u, j) => {
    w0.set(main['in_features.weight']!.subarray(u * F, (u + 1) * F), j * F);
    b0[j] = main['in_features.bias']![u]!;
  });
  // further hidden layers: copied units see only copied units
  for (let i = 1; i < cfg.draftDepth; i++) {
    const w = out[`blocks.${i}.weight`]!;
    const b = out[`blocks.${i}.bias`]!;
    const mw = main[`hidden.${i - 1}.weight`]!;
    units.forEach((u, j) => {
      w.fill(0, j * E, (j + 1) * E);
      units.forEach((v, jj) => (w[j * E + jj] = mw[u * D + v]!));
      b[j] = main[`hidden.${i - 1}.bias`]![u]!;
    });
  }
  // output rows of layer 0: draft row ((c·H+h)·k+0)·K+v ← main row ((0·C+c)·H+h)·K+v
  const ow = out['out.weight']!;
  const ob = out['out.bias']!;
  const inWidth = cfg.draftDepth === 0 ? F : E;
  for (let p = 0; p < C * H; p++) {
    for (let v = 0; v < K; v++) {
      const row = (p * k + 0) * K + v;
      const mainRow = p * K + v;
      ow.fill(0, row * inWidth, (row + 1) * inWidth);
      units.forEach((u, j) => (ow[row * inWidth + j] = main['out.weight']![mainRow * D + u]!));
      ob[row] = main['out.bias']![mainRow]!;
    }
  }
  return out;
}

/**
 * Masks (1 = frozen, PyTorch layout, by parameter name) of the draft entries that
 * {@link draftFromMainLayer0} fills: the copied hidden units' incoming weights and biases, and the
 * whole output rows and biases of layer 0. Freezing them during distillation keeps the draft's
 * layer 0 equal to the main head's while the other layers train.
 */
export function draftLayer0FrozenMasks(cfg: HeadsConfig): Record<string, Float32Array> {
  const { C, H, K, F, L } = cfg;
  const E = cfg.draftWidth;
  const k = cfg.draftLayers;
  const n0 = Math.ceil(cfg.mainWidth / L);
  const masks: Record<string, Float32Array> = {};
  for (let i = 0; i < cfg.draftDepth; i++) {
    const inWidth = i === 0 ? F : E;
    masks[`blocks.${i}.weight`] = new Float32Array(E * inWidth).fill(1, 0, n0 * inWidth);
    masks[`blocks.${i}.bias`] = new Float32Array(E).fill(1, 0, n0);
  }
  const inWidth = cfg.draftDepth === 0 ? F : E;
  const w = new Float32Array(C * H * k * K * inWidth);
  const b = new Float32Array(C * H * k * K);
  for (let p = 0; p < C * H; p++) {
    for (let v = 0; v < K; v++) {
      const row = (p * k + 0) * K + v;
      w.fill(1, row * inWidth, (row + 1) * inWidth);
      b[row] = 1;
    }
  }
  masks['out.weight'] = w;
  masks['out.bias'] = b;
  return masks;
}
