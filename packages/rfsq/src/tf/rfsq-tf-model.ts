import type * as TfModule from '@tensorflow/tfjs';
import { denormalizationCoefficients, normalizationCoefficients } from '../core/action-normalization.ts';
import type { ActionNormalization } from '../core/action-normalization.ts';
import type { DenseLayer } from '../core/dense-layer.ts';
import type { RfsqConfig } from '../core/rfsq-config.ts';
import type { RfsqParams } from '../core/rfsq-params.ts';
import { RFSQ_FORMAT, validateRfsqParams } from '../core/rfsq-params.ts';
import { fsqCodeTf, straightThroughLevel } from './straight-through-round.ts';

type Tf = typeof TfModule;
type T2 = TfModule.Tensor2D;

interface TfDense {
  readonly weight: TfModule.Variable;
  readonly bias: TfModule.Variable;
}

/** What one training forward pass returns (all tensors owned by the caller). */
export interface RfsqForward {
  /** float32 [N, C·A]: reconstruction in normalised units. */
  readonly xHat: T2;
  /** float32 [L, N·C·H]: the residual entering each layer. */
  readonly residuals: TfModule.Tensor2D;
}

/**
 * The tokenizer as a TensorFlow.js model: encoder MLP → tanh → residual FSQ (straight-through)
 * → decoder MLP. Weights are variables (trainable); the per-layer scales and shifts are plain
 * numbers, never sample statistics: `setLayerNorm` moves them (running statistics while
 * training), and they are frozen when exported. Normalisation of actions happens outside the
 * training path (`xn` inputs) and inside `encodeActions`/`decodeTokens`.
 */
export class RfsqTfModel {
  readonly config: RfsqConfig;
  private readonly encoder: TfDense[];
  private readonly decoder: TfDense[];
  private layerScales: number[];
  private layerShifts: number[];
  private readonly halfWidth: TfModule.Tensor1D;
  private readonly maxCode: TfModule.Tensor1D;
  private readonly ste: (u: TfModule.Tensor) => TfModule.Tensor;

  constructor(
    private readonly tf: Tf,
    params: RfsqParams,
  ) {
    validateRfsqParams(params);
    this.config = params.config;
    const vars = (layers: readonly DenseLayer[], prefix: string) =>
      layers.map((l, i) => ({
        weight: tf.variable(tf.tensor2d(l.weight, [l.inDim, l.outDim]), true, `${prefix}_${i}_w_${uid()}`),
        bias: tf.variable(tf.tensor1d(l.bias), true, `${prefix}_${i}_b_${uid()}`),
      }));
    this.encoder = vars(params.encoder, 'enc');
    this.decoder = vars(params.decoder, 'dec');
    this.layerScales = [...params.layerScales];
    this.layerShifts = [...params.layerShifts];
    const { C, levels } = this.config;
    const tiled = (f: (k: number) => number) => Float32Array.from({ length: C * levels.length }, (_, i) => f(levels[i % levels.length]!));
    this.halfWidth = tf.tensor1d(tiled((k) => (k - 1) / 2));
    this.maxCode = tf.tensor1d(tiled((k) => k - 1));
    this.ste = straightThroughLevel(tf, this.halfWidth, this.maxCode);
  }

  /** The trainable variables. */
  variables(): TfModule.Variable[] {
    return [...this.encoder, ...this.decoder].flatMap((l) => [l.weight, l.bias]);
  }

  getLayerNorm(): { layerScales: number[]; layerShifts: number[] } {
    return { layerScales: [...this.layerScales], layerShifts: [...this.layerShifts] };
  }

  /** Sets the fixed per-layer scales/shifts (float [L] each). Naive models keep 1 and 0. */
  setLayerNorm(layerScales: readonly number[], layerShifts: readonly number[]): void {
    if (layerScales.length !== this.config.L || layerShifts.length !== this.config.L) throw new RangeError(`need L = ${this.config.L} scales and shifts`);
    if (layerScales.some((s) => !(s > 0 && Number.isFinite(s)))) throw new RangeError('layerScales must be positive and finite');
    this.layerScales = [...layerScales];
    this.layerShifts = [...layerShifts];
  }

  private mlp(x: T2, layers: TfDense[], last: 'tanh' | 'linear'): T2 {
    let h = x;
    layers.forEach((l, i) => {
      h = this.tf.add(this.tf.matMul(h, l.weight as TfModule.Tensor2D), l.bias);
      if (i < layers.length - 1) h = this.tf.relu(h);
      else if (last === 'tanh') h = this.tf.tanh(h);
    });
    return h;
  }

  /** xn: float32 [N, C·A] normalised → z float32 [N, C·H] in [-1, 1]. */
  latent(xn: T2): T2 {
    return this.tf.tidy(() => this.mlp(xn, this.encoder, 'tanh'));
  }

  /** Training forward with the straight-through estimator. xn: float32 [N, C·A]. */
  forward(xn: T2): RfsqForward {
    const tf = this.tf;
    return tf.tidy(() => {
      let r = this.mlp(xn, this.encoder, 'tanh');
      let zHat: T2 | undefined;
      const residuals: TfModule.Tensor[] = [];
      for (let l = 0; l < this.config.L; l++) {
        residuals.push(r.reshape([-1]));
        const s = this.layerScales[l]!;
        const m = this.layerShifts[l]!;
        const u = tf.mul(tf.sub(r, m), Math.fround(1 / s));
        const q = tf.add(tf.mul(this.ste(u), s), m) as T2;
        r = tf.sub(r, q) as T2;
        zHat = zHat ? (tf.add(zHat, q) as T2) : q;
      }
      return { xHat: this.mlp(zHat!, this.decoder, 'linear'), residuals: tf.stack(residuals) as TfModule.Tensor2D };
    });
  }

  /** z: float32 [N, C·H] → codes float32 [N, C·H, L] (exact integers), as the ONNX encoder quantizes. */
  quantizeLatent(z: T2): TfModule.Tensor3D {
    const tf = this.tf;
    return tf.tidy(() => {
      let r: TfModule.Tensor = z;
      const codes: TfModule.Tensor[] = [];
      for (let l = 0; l < this.config.L; l++) {
        const s = this.layerScales[l]!;
        const m = this.layerShifts[l]!;
        const u = tf.mul(tf.sub(r, m), Math.fround(1 / s));
        const code = fsqCodeTf(tf, u, this.halfWidth, this.maxCode);
        codes.push(code);
        r = tf.sub(r, tf.add(tf.mul(tf.div(tf.sub(code, this.halfWidth), this.halfWidth), s), m));
      }
      return tf.stack(codes, 2) as TfModule.Tensor3D;
    });
  }

  /** codes: float32 [N, C·H, L] → ẑ float32 [N, C·H]. */
  dequantize(codes: TfModule.Tensor3D): T2 {
    const tf = this.tf;
    return tf.tidy(() => {
      const a = this.halfWidth.reshape([-1, 1]);
      const level = tf.div(tf.sub(codes, a), a);
      return tf.sum(tf.add(tf.mul(level, this.layerScales), this.layerShifts), 2) as T2;
    });
  }

  /** ẑ: float32 [N, C·H] → x̂ float32 [N, C·A] in normalised units. */
  decodeLatent(zHat: T2): T2 {
    return this.tf.tidy(() => this.mlp(zHat, this.decoder, 'linear'));
  }

  /** actions: float32 [N, C, A] env units → { latent float32 [N, C, H], tokens int32 [N, C, H, L] }. */
  encodeActions(actions: TfModule.Tensor3D, norm: ActionNormalization): { latent: TfModule.Tensor3D; tokens: TfModule.Tensor4D } {
    const tf = this.tf;
    const { C, A, H, L } = this.config;
    return tf.tidy(() => {
      const { mul, add } = normalizationCoefficients(norm);
      const xn = tf.add(tf.mul(actions, tf.tensor1d(mul)), tf.tensor1d(add)).reshape([-1, C * A]) as T2;
      const z = this.latent(xn);
      return { latent: z.reshape([-1, C, H]) as TfModule.Tensor3D, tokens: this.quantizeLatent(z).reshape([-1, C, H, L]).toInt() as TfModule.Tensor4D };
    });
  }

  /** tokens: int32 [N, C, H, L] → actions float32 [N, C, A] env units. */
  decodeTokens(tokens: TfModule.Tensor4D, norm: ActionNormalization): TfModule.Tensor3D {
    const tf = this.tf;
    const { C, A, H, L } = this.config;
    return tf.tidy(() => {
      const xn = this.decodeLatent(this.dequantize(tokens.toFloat().reshape([-1, C * H, L]) as TfModule.Tensor3D));
      const { mul, add } = denormalizationCoefficients(norm);
      return tf.add(tf.mul(xn.reshape([-1, C, A]), tf.tensor1d(mul)), tf.tensor1d(add)) as TfModule.Tensor3D;
    });
  }

  /** The current weights and layer norm as plain {@link RfsqParams}. */
  toParams(actionNormalization: ActionNormalization): RfsqParams {
    const dense = (layers: TfDense[]): DenseLayer[] =>
      layers.map((l) => ({
        weight: Float32Array.from(l.weight.dataSync()),
        bias: Float32Array.from(l.bias.dataSync()),
        inDim: l.weight.shape[0]!,
        outDim: l.weight.shape[1]!,
      }));
    const params: RfsqParams = {
      format: RFSQ_FORMAT,
      config: this.config,
      actionNormalization,
      layerScales: [...this.layerScales],
      layerShifts: [...this.layerShifts],
      encoder: dense(this.encoder),
      decoder: dense(this.decoder),
    };
    validateRfsqParams(params);
    return params;
  }

  dispose(): void {
    for (const v of this.variables()) v.dispose();
    this.halfWidth.dispose();
    this.maxCode.dispose();
  }
}

let counter = 0;
function uid(): number {
  return counter++;
}
