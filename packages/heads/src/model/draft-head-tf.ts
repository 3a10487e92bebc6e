import type * as TfModule from '@tensorflow/tfjs';
import type { HeadsConfig } from '../heads-config.ts';
import { checkHeadWeights, draftParameterSpecs, type DraftWeights } from './head-parameters.ts';
import { applyLinear, readLinear, tfLinear, type Tf, type TfLinear } from './tf-dense.ts';

/**
 * The draft head in TensorFlow.js (ARCHITECTURE.md), for training:
 * features float32 [B, F] → logits float32 [B, C, H, k, K]. Owns its variables (`dispose`).
 */
export class DraftHeadTf {
  readonly layers: readonly TfLinear[];

  constructor(
    private readonly tf: Tf,
    readonly cfg: HeadsConfig,
    weights: DraftWeights,
  ) {
    checkHeadWeights(cfg, 'draft', weights);
    const layers: TfLinear[] = [];
    let width = cfg.F;
    for (let i = 0; i < cfg.draftDepth; i++) {
      const n = `blocks.${i}`;
      layers.push(tfLinear(tf, n, weights[`${n}.weight`]!, weights[`${n}.bias`]!, cfg.draftWidth, width));
      width = cfg.draftWidth;
    }
    const out = cfg.C * cfg.H * cfg.draftLayers * cfg.K;
    layers.push(tfLinear(tf, 'out', weights['out.weight']!, weights['out.bias']!, out, width));
    this.layers = layers;
  }

  /** The trainable variables. */
  get variables(): TfModule.Variable[] {
    return this.layers.flatMap((l) => (l.bias === undefined ? [l.kernel] : [l.kernel, l.bias]));
  }

  /** features float32 [B, F] → logits float32 [B, C, H, k, K]. */
  apply(features: TfModule.Tensor2D): TfModule.Tensor5D {
    const { tf, cfg } = this;
    return tf.tidy(() => {
      let x = features;
      this.layers.forEach((layer, i) => {
        x = applyLinear(tf, layer, x);
        if (i < this.layers.length - 1) x = tf.relu(x);
      });
      return tf.reshape(x, [-1, cfg.C, cfg.H, cfg.draftLayers, cfg.K]);
    });
  }

  /** The current weights as plain data (PyTorch layout, `state_dict` names). */
  weights(): DraftWeights {
    const out: Record<string, Float32Array> = {};
    for (const layer of this.layers) {
      const { weight, bias } = readLinear(layer);
      out[`${layer.name}.weight`] = weight;
      out[`${layer.name}.bias`] = bias!;
    }
    return Object.fromEntries(draftParameterSpecs(this.cfg).map((s) => [s.name, out[s.name]!]));
  }

  dispose(): void {
    for (const v of this.variables) v.dispose();
  }
}
