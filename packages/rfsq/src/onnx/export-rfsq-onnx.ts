import { denormalizationCoefficients, normalizationCoefficients } from '../core/action-normalization.ts';
import type { DenseLayer } from '../core/dense-layer.ts';
import type { RfsqParams } from '../core/rfsq-params.ts';
import { validateRfsqParams } from '../core/rfsq-params.ts';
import { OnnxGraphBuilder } from './onnx-graph-builder.ts';

/** The two serialized ONNX models of a tokenizer. */
export interface RfsqOnnxModels {
  /**
   * `rfsq_encoder.onnx`: input `actions` float32 [B, C, A] (env units) → output `tokens` int64
   * [B, C, H, L], plus `latent` float32 [B, C, H] (the pre-quantization latent z, for checks).
   */
  readonly encoder: Uint8Array;
  /** `rfsq_decoder.onnx`: input `tokens` int64 [B, C, H, L] → output `actions` float32 [B, C, A] (env units). */
  readonly decoder: Uint8Array;
}

/** File names the exports are written under (as in a model bundle). */
export const RFSQ_ENCODER_FILE = 'rfsq_encoder.onnx';
export const RFSQ_DECODER_FILE = 'rfsq_decoder.onnx';

/**
 * Writes the tokenizer as two ONNX graphs (opset 17) computing what {@link RfsqTokenizer}
 * computes; action normalisation happens inside the graphs. The batch dim is dynamic (`B`).
 */
export function exportRfsqOnnx(params: RfsqParams): RfsqOnnxModels {
  validateRfsqParams(params);
  const metadata = {
    format: params.format,
    config: JSON.stringify(params.config),
    layerScales: JSON.stringify(params.layerScales),
    layerShifts: JSON.stringify(params.layerShifts),
    actionNormalization: JSON.stringify(params.actionNormalization),
  };
  return {
    encoder: buildEncoder(params).build({ docString: 'RFSQ encoder: actions [B,C,A] → tokens [B,C,H,L]', metadata }),
    decoder: buildDecoder(params).build({ docString: 'RFSQ decoder: tokens [B,C,H,L] → actions [B,C,A]', metadata }),
  };
}

/** Repeats per-dim values `reps` times: [D] → [reps·D]. */
function tile(values: ArrayLike<number>, reps: number): Float32Array {
  const out = new Float32Array(values.length * reps);
  for (let r = 0; r < reps; r++) for (let i = 0; i < values.length; i++) out[r * values.length + i] = values[i]!;
  return out;
}

function mlp(g: OnnxGraphBuilder, x: string, layers: readonly DenseLayer[], last: 'tanh' | 'linear', prefix: string): string {
  let h = x;
  layers.forEach((layer, i) => {
    const w = g.initializer(`${prefix}_${i}_weight`, 'float32', [layer.inDim, layer.outDim], layer.weight);
    const b = g.initializer(`${prefix}_${i}_bias`, 'float32', [layer.outDim], layer.bias);
    h = g.op('Add', [g.op('MatMul', [h, w]), b]);
    if (i < layers.length - 1) h = g.op('Relu', [h]);
    else if (last === 'tanh') h = g.op('Tanh', [h]);
  });
  return h;
}

/** a = (K_h − 1) / 2 per latent position, float32 [C·H]. */
function halfWidths(params: RfsqParams): Float32Array {
  return tile(params.config.levels.map((k) => (k - 1) / 2), params.config.C);
}

function buildEncoder(params: RfsqParams): OnnxGraphBuilder {
  const { C, A, H, L, levels } = params.config;
  const P = C * H;
  const g = new OnnxGraphBuilder('rfsq_encoder');
  const actions = g.input('actions', 'float32', ['B', C, A]);
  const flat = g.op('Reshape', [actions, g.constInt64([-1, C * A])]);
  const { mul, add } = normalizationCoefficients(params.actionNormalization);
  const xn = g.op('Add', [g.op('Mul', [flat, g.constFloat(tile(mul, C))]), g.constFloat(tile(add, C))]);
  const z = mlp(g, xn, params.encoder, 'tanh', 'encoder');
  g.op('Reshape', [z, g.constInt64([-1, C, H])], {}, 'latent');
  let r = z;
  const a = g.constFloat(halfWidths(params), [P], 'half_width');
  const kMax = g.constFloat(tile(levels.map((k) => k - 1), C), [P], 'max_code');
  const zero = g.constFloat([0], [], 'zero');
  const half = g.constFloat([0.5], [], 'half');
  const lastAxis = g.constInt64([2]);
  const codes: string[] = [];
  for (let l = 0; l < L; l++) {
    const s = g.constFloat([params.layerScales[l]!], [], `scale_${l}`);
    const inv = g.constFloat([1 / params.layerScales[l]!], [], `inv_scale_${l}`);
    const m = g.constFloat([params.layerShifts[l]!], [], `shift_${l}`);
    const u = g.op('Mul', [g.op('Sub', [r, m]), inv]);
    const rounded = g.op('Floor', [g.op('Add', [g.op('Add', [g.op('Mul', [u, a]), a]), half])]);
    const code = g.op('Min', [g.op('Max', [rounded, zero]), kMax]);
    const q = g.op('Add', [g.op('Mul', [g.op('Div', [g.op('Sub', [code, a]), a]), s]), m]);
    r = g.op('Sub', [r, q]);
    codes.push(g.op('Unsqueeze', [code, lastAxis]));
  }
  const stacked = L === 1 ? codes[0]! : g.op('Concat', codes, { axis: 2 });
  const shaped = g.op('Reshape', [stacked, g.constInt64([-1, C, H, L])]);
  g.op('Cast', [shaped], { to: 7 }, 'tokens');
  g.output('tokens', 'int64', ['B', C, H, L]);
  g.output('latent', 'float32', ['B', C, H]);
  return g;
}

function buildDecoder(params: RfsqParams): OnnxGraphBuilder {
  const { C, A, H, L } = params.config;
  const P = C * H;
  const g = new OnnxGraphBuilder('rfsq_decoder');
  const tokens = g.input('tokens', 'int64', ['B', C, H, L]);
  const codes = g.op('Reshape', [g.op('Cast', [tokens], { to: 1 }), g.constInt64([-1, P, L])]);
  const a = g.constFloat(halfWidths(params), [P, 1], 'half_width');
  const level = g.op('Div', [g.op('Sub', [codes, a]), a]);
  const scaled = g.op('Add', [
    g.op('Mul', [level, g.constFloat(params.layerScales, [L], 'layer_scales')]),
    g.constFloat(params.layerShifts, [L], 'layer_shifts'),
  ]);
  const zHat = g.op('ReduceSum', [scaled, g.constInt64([2])], { keepdims: 0 });
  const xn = mlp(g, zHat, params.decoder, 'linear', 'decoder');
  const { mul, add } = denormalizationCoefficients(params.actionNormalization);
  const x = g.op('Add', [g.op('Mul', [xn, g.constFloat(tile(mul, C))]), g.constFloat(tile(add, C))]);
  g.op('Reshape', [x, g.constInt64([-1, C, A])], {}, 'actions');
  g.output('actions', 'float32', ['B', C, A]);
  return g;
}
