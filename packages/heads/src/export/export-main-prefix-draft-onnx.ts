import { OnnxGraphBuilder, attrFloat } from '@rsd/rfsq';
import type { HeadsConfig } from '../heads-config.ts';
import { checkHeadWeights, type MainWeights } from '../model/head-parameters.ts';
import { applyMask, hiddenDegree, mainMasks } from '../model/made-masks.ts';
import { HEADS_ONNX_OPSET } from './onnx-opset.ts';

/**
 * The main head's hidden units of degree < `k`, ordered by degree (ascending unit index within a
 * degree), and where each degree ends in that order: `ends[l]` = number of units of degree ≤ l.
 */
export function prefixUnits(cfg: HeadsConfig, k: number): { units: number[]; ends: number[] } {
  const units: number[] = [];
  const ends: number[] = [];
  for (let m = 0; m < k; m++) {
    for (let i = 0; i < cfg.mainWidth; i++) if (hiddenDegree(i, cfg.L) === m) units.push(i);
    ends.push(units.length);
  }
  return { units, ends };
}

/**
 * A draft that is the main head's own sub-network for its first `k` layers, decoded greedily
 * inside one ONNX graph (a self-speculative draft; opset 17, dynamic batch `B`):
 * `features` float32 [B, F] → `logits` float32 [B, C, H, k, K], the main head's logits of layers
 * 0..k−1 given its own greedy tokens of the layers before (ARCHITECTURE.md, "Main-prefix draft").
 *
 * Why it is cheap: in the MADE-masked main head the logits of layer l depend only on hidden units
 * of degree ≤ l, and a unit of degree m sees only token layers < m. So layer l needs the
 * (l+1)/L share of the units and the tokens already decided, and the draft runs k small steps
 * instead of k full main passes. Its tokens equal main's greedy tokens up to float32 summation
 * order (verification still checks every one; exact mode stays exact whatever the draft says).
 *
 * Graph: acc = Gemm(features) over all units of degree < k, once. Step l: Slice(acc, units of
 * degree ≤ l) → Relu → (Gemm → Relu) × (mainDepth − 1) → Gemm(out rows of layer l) = logits_l
 * [B, P·K]; for l < k−1: ArgMax over K → Gather of the matching rows of in_tokens' columns
 * of layer l (transposed) → ReduceSum over positions, added to acc. Logits of the k steps are concatenated to [B, C, H, k, K].
 */
export function exportMainPrefixDraftOnnx(
  cfg: HeadsConfig,
  weights: MainWeights,
  k: number,
  options: { metadata?: Record<string, string> } = {},
): Uint8Array {
  checkHeadWeights(cfg, 'main', weights);
  if (!Number.isInteger(k) || k < 1 || k > cfg.L) throw new RangeError(`k must be an integer in [1, L = ${cfg.L}], got ${k}`);
  const { C, H, L, K, F } = cfg;
  const D = cfg.mainWidth;
  const P = C * H;
  const PK = P * K;
  const LPK = L * PK;
  const masks = mainMasks(cfg);
  const { units, ends } = prefixUnits(cfg, k);
  const n = units.length;
  if (n === 0) throw new RangeError(`the main head (mainWidth ${D}, L ${L}) has no hidden unit of degree < ${k}`);
  const g = new OnnxGraphBuilder('rsd_main_prefix_draft', HEADS_ONNX_OPSET);
  const features = g.input('features', 'float32', ['B', F]);

  // acc = features · Wf[units]ᵀ + bf[units]   [B, n]
  const wf = new Float32Array(n * F);
  const bf = new Float32Array(n);
  units.forEach((u, a) => {
    wf.set(weights['in_features.weight']!.subarray(u * F, (u + 1) * F), a * F);
    bf[a] = weights['in_features.bias']![u]!;
  });
  const gemmOpts = { transB: 1, alpha: attrFloat(1), beta: attrFloat(1) };
  let acc = g.op('Gemm', [features, g.initializer('in_features.weight', 'float32', [n, F], wf), g.initializer('in_features.bias', 'float32', [n], bf)], gemmOpts);

  const wIn = applyMask(weights['in_tokens.weight']!, masks.input);
  const hidden = Array.from({ length: cfg.mainDepth - 1 }, (_, j) => applyMask(weights[`hidden.${j}.weight`]!, masks.hidden));
  const wOut = applyMask(weights['out.weight']!, masks.output);
  const layerLogits: string[] = [];
  const shapePK = g.constInt64([0, P, K], [3], 'shape_b_p_k');
  const offsets = g.constInt64(Array.from({ length: P }, (_, p) => p * K), [P], 'position_offsets');
  for (let l = 0; l < k; l++) {
    const w = ends[l]!;
    let z = g.op('Relu', [w === n ? acc : g.op('Slice', [acc, g.constInt64([0]), g.constInt64([w]), g.constInt64([1])])]);
    for (let j = 0; j < cfg.mainDepth - 1; j++) {
      const block = new Float32Array(w * w);
      const bias = new Float32Array(w);
      for (let a = 0; a < w; a++) {
        for (let b = 0; b < w; b++) block[a * w + b] = hidden[j]![units[a]! * D + units[b]!]!;
        bias[a] = weights[`hidden.${j}.bias`]![units[a]!]!;
      }
      const wName = g.initializer(`step${l}.hidden.${j}.weight`, 'float32', [w, w], block);
      const bName = g.initializer(`step${l}.hidden.${j}.bias`, 'float32', [w], bias);
      z = g.op('Relu', [g.op('Gemm', [z, wName, bName], gemmOpts)]);
    }
    const out = new Float32Array(PK * w);
    const outBias = weights['out.bias']!.slice(l * PK, (l + 1) * PK);
    for (let r = 0; r < PK; r++) {
      for (let b = 0; b < w; b++) out[r * w + b] = wOut[(l * PK + r) * D + units[b]!]!;
    }
    const flat = g.op('Gemm', [z, g.initializer(`step${l}.out.weight`, 'float32', [PK, w], out), g.initializer(`step${l}.out.bias`, 'float32', [PK], outBias)], gemmOpts);
    const logits = g.op('Reshape', [flat, shapePK]); // [B, P, K]
    layerLogits.push(logits);
    if (l === k - 1) break;
    // the greedy tokens of layer l feed the units of degree > l: one row of in_tokens' columns of
    // layer l per position (row p·K + token), gathered and summed over positions
    const tokens = g.op('ArgMax', [logits], { axis: 2, keepdims: 0 });
    const rows = g.op('Add', [tokens, offsets]);
    const winT = new Float32Array(PK * n);
    for (let a = 0; a < n; a++) {
      for (let c = 0; c < PK; c++) winT[c * n + a] = wIn[units[a]! * LPK + l * PK + c]!;
    }
    const gathered = g.op('Gather', [g.initializer(`step${l}.in_tokens.weight_t`, 'float32', [PK, n], winT), rows], { axis: 0 });
    acc = g.op('Add', [acc, g.op('ReduceSum', [gathered, g.constInt64([1])], { keepdims: 0 })]);
  }
  // [B, P, K] per layer, concatenated on the last axis: index p·k·K + l·K + v, the [B, C, H, k, K] order
  const all = layerLogits.length === 1 ? layerLogits[0]! : g.op('Concat', layerLogits, { axis: 2 });
  g.op('Reshape', [all, g.constInt64([0, C, H, k, K])], {}, 'logits');
  g.output('logits', 'float32', ['B', C, H, k, K]);
  return g.build({
    producer: '@rsd/heads export-main-prefix-draft-onnx',
    docString: `RSD draft = the main head's own first ${k} layers, decoded greedily in-graph: features [B,F] -> logits [B,C,H,k,K] (ARCHITECTURE.md)`,
    metadata: { 'rsd.head': 'draft', 'rsd.draft': 'main-prefix', 'rsd.config': JSON.stringify({ ...cfg, draftLayers: k }), ...options.metadata },
  });
}
