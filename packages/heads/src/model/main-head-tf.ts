import type * as TfModule from '@tensorflow/tfjs';
import type { HeadsConfig } from '../heads-config.ts';
import { checkHeadWeights, mainParameterSpecs, type MainWeights } from './head-parameters.ts';
import { mainMasks } from './made-masks.ts';
import { applyLinear, readLinear, tfLinear, transposeRows, type Tf, type TfLinear } from './tf-dense.ts';

/**
 * The main head in TensorFlow.js (ARCHITECTURE.md): MADE-masked MLP, causal over depth, masks
 * applied as `kernel ⊙ constant mask`, token embedding as oneHot + matMul (the wasm backend has
 * no gather gradient). features float32 [B, F], tokens int32 [B, C, H, L] →
 * logits float32 [B, C, H, L, K]. Owns its variables and masks (`dispose`).
 */
export class MainHeadTf {
  readonly inFeatures: TfLinear;
  readonly inTokens: TfLinear;
  readonly hidden: readonly TfLinear[];
  readonly out: TfLinear;
  /** Masks in TF layout [in, out]: tokens→hidden, hidden→hidden, hidden→out. */
  private readonly masks: { input: Float32Array; hidden: Float32Array; output: Float32Array };
  private readonly maskTensors: { input: TfModule.Tensor2D; hidden: TfModule.Tensor2D; output: TfModule.Tensor2D };

  constructor(
    private readonly tf: Tf,
    readonly cfg: HeadsConfig,
    weights: MainWeights,
  ) {
    checkHeadWeights(cfg, 'main', weights);
    const D = cfg.mainWidth;
    const LPK = cfg.L * cfg.C * cfg.H * cfg.K;
    this.inFeatures = tfLinear(
      tf,
      'in_features',
      weights['in_features.weight']!,
      weights['in_features.bias']!,
      D,
      cfg.F,
    );
    this.inTokens = tfLinear(tf, 'in_tokens', weights['in_tokens.weight']!, undefined, D, LPK);
    this.hidden = Array.from({ length: cfg.mainDepth - 1 }, (_, i) =>
      tfLinear(tf, `hidden.${i}`, weights[`hidden.${i}.weight`]!, weights[`hidden.${i}.bias`]!, D, D),
    );
    this.out = tfLinear(tf, 'out', weights['out.weight']!, weights['out.bias']!, LPK, D);
    const m = mainMasks(cfg);
    this.masks = {
      input: transposeRows(m.input, D, LPK),
      hidden: transposeRows(m.hidden, D, D),
      output: transposeRows(m.output, LPK, D),
    };
    this.maskTensors = {
      input: tf.tensor2d(this.masks.input, [LPK, D]),
      hidden: tf.tensor2d(this.masks.hidden, [D, D]),
      output: tf.tensor2d(this.masks.output, [D, LPK]),
    };
  }

  /** The trainable variables. */
  get variables(): TfModule.Variable[] {
    return [this.inFeatures, this.inTokens, ...this.hidden, this.out].flatMap((l) =>
      l.bias === undefined ? [l.kernel] : [l.kernel, l.bias],
    );
  }

  /** features float32 [B, F], tokens int32 [B, C, H, L] → logits float32 [B, C, H, L, K]. */
  apply(features: TfModule.Tensor2D, tokens: TfModule.Tensor4D): TfModule.Tensor5D {
    const { tf, cfg } = this;
    const { C, H, L, K } = cfg;
    return tf.tidy(() => {
      const residualMajor = tf.transpose(tokens, [0, 3, 1, 2]); // [B, L, C, H]
      const flat = tf.reshape(residualMajor, [-1]) as TfModule.Tensor1D;
      const oneHot = tf.reshape(tf.cast(tf.oneHot(flat, K), 'float32'), [-1, L * C * H * K]) as TfModule.Tensor2D;
      let z = tf.relu(
        tf.add(
          applyLinear(tf, this.inFeatures, features),
          applyLinear(tf, this.inTokens, oneHot, this.maskTensors.input),
        ),
      );
      for (const layer of this.hidden)
        z = tf.relu(applyLinear(tf, layer, z as TfModule.Tensor2D, this.maskTensors.hidden));
      const y = applyLinear(tf, this.out, z as TfModule.Tensor2D, this.maskTensors.output);
      return tf.transpose(tf.reshape(y, [-1, L, C, H, K]), [0, 2, 3, 1, 4]);
    });
  }

  /** The current weights as plain data (PyTorch layout, masked positions zero). */
  weights(): MainWeights {
    const out: Record<string, Float32Array> = {};
    const put = (layer: TfLinear, mask?: Float32Array) => {
      const { weight, bias } = readLinear(layer, mask);
      out[`${layer.name}.weight`] = weight;
      if (bias !== undefined) out[`${layer.name}.bias`] = bias;
    };
    put(this.inFeatures);
    put(this.inTokens, this.masks.input);
    for (const layer of this.hidden) put(layer, this.masks.hidden);
    put(this.out, this.masks.output);
    return Object.fromEntries(mainParameterSpecs(this.cfg).map((s) => [s.name, out[s.name]!]));
  }

  dispose(): void {
    for (const v of this.variables) v.dispose();
    for (const t of Object.values(this.maskTensors)) t.dispose();
  }
}
