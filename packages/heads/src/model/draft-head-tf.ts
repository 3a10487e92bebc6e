import type * as TfModule from '@tensorflow/tfjs';
import type { HeadsConfig } from '../heads-config.ts';
import { checkHeadWeights, draftParameterSpecs, type DraftWeights } from './head-parameters.ts';
import { readLinear, tfLinear, transposeRows, type Tf, type TfLinear } from './tf-dense.ts';

/** A frozen part of one layer: `value ⊙ mask + variable ⊙ (1 − mask)`, TF layout. */
interface Frozen {
  readonly freeKernel: TfModule.Tensor2D;
  readonly fixedKernel: TfModule.Tensor2D;
  readonly freeBias: TfModule.Tensor1D;
  readonly fixedBias: TfModule.Tensor1D;
  readonly mask: { readonly kernel: Float32Array; readonly bias: Float32Array };
  readonly value: { readonly kernel: Float32Array; readonly bias: Float32Array };
}

/**
 * The draft head in TensorFlow.js (ARCHITECTURE.md), for training:
 * features float32 [B, F] → logits float32 [B, C, H, k, K]. Owns its variables (`dispose`).
 * `frozen` (PyTorch-layout masks by parameter name, 1 = frozen) pins those entries to their
 * values in `weights`: training cannot move them (e.g. a copied main-head path).
 */
export class DraftHeadTf {
  readonly layers: readonly TfLinear[];
  private readonly frozen: readonly (Frozen | undefined)[];

  constructor(
    private readonly tf: Tf,
    readonly cfg: HeadsConfig,
    weights: DraftWeights,
    frozen: Readonly<Record<string, Float32Array>> = {},
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
    this.frozen = layers.map((l) => {
      const wm = frozen[`${l.name}.weight`];
      const bm = frozen[`${l.name}.bias`];
      if (wm === undefined && bm === undefined) return undefined;
      const kernelMask = transposeRows(wm ?? new Float32Array(l.outWidth * l.inWidth), l.outWidth, l.inWidth);
      const biasMask = bm ?? new Float32Array(l.outWidth);
      if (kernelMask.length !== l.inWidth * l.outWidth || biasMask.length !== l.outWidth) {
        throw new RangeError(`frozen masks of "${l.name}" must match its weight and bias sizes`);
      }
      const kernel = transposeRows(weights[`${l.name}.weight`]!, l.outWidth, l.inWidth).map(
        (v, i) => v * kernelMask[i]!,
      );
      const bias = weights[`${l.name}.bias`]!.map((v, i) => v * biasMask[i]!);
      const shape: [number, number] = [l.inWidth, l.outWidth];
      return {
        freeKernel: tf.tensor2d(
          kernelMask.map((m) => 1 - m),
          shape,
        ),
        fixedKernel: tf.tensor2d(kernel, shape),
        freeBias: tf.tensor1d(biasMask.map((m) => 1 - m)),
        fixedBias: tf.tensor1d(bias),
        mask: { kernel: kernelMask, bias: biasMask },
        value: { kernel, bias },
      };
    });
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
        const fr = this.frozen[i];
        const kernel = fr ? tf.add(tf.mul(layer.kernel, fr.freeKernel), fr.fixedKernel) : layer.kernel;
        const bias = fr ? tf.add(tf.mul(layer.bias!, fr.freeBias), fr.fixedBias) : layer.bias!;
        x = tf.add(tf.matMul(x, kernel as TfModule.Tensor2D), bias) as TfModule.Tensor2D;
        if (i < this.layers.length - 1) x = tf.relu(x);
      });
      return tf.reshape(x, [-1, cfg.C, cfg.H, cfg.draftLayers, cfg.K]);
    });
  }

  /** The current (effective) weights as plain data (PyTorch layout, `state_dict` names). */
  weights(): DraftWeights {
    const out: Record<string, Float32Array> = {};
    this.layers.forEach((layer, i) => {
      const fr = this.frozen[i];
      if (fr === undefined) {
        const { weight, bias } = readLinear(layer);
        out[`${layer.name}.weight`] = weight;
        out[`${layer.name}.bias`] = bias!;
        return;
      }
      const k = (layer.kernel.dataSync() as Float32Array).map(
        (v, j) => v * (1 - fr.mask.kernel[j]!) + fr.value.kernel[j]!,
      );
      const b = (layer.bias!.dataSync() as Float32Array).map((v, j) => v * (1 - fr.mask.bias[j]!) + fr.value.bias[j]!);
      out[`${layer.name}.weight`] = transposeRows(k, layer.inWidth, layer.outWidth);
      out[`${layer.name}.bias`] = Float32Array.from(b);
    });
    return Object.fromEntries(draftParameterSpecs(this.cfg).map((s) => [s.name, out[s.name]!]));
  }

  dispose(): void {
    for (const v of this.variables) v.dispose();
    for (const fr of this.frozen) if (fr) this.tf.dispose([fr.freeKernel, fr.fixedKernel, fr.freeBias, fr.fixedBias]);
  }
}
