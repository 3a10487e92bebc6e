import type * as TfModule from '@tensorflow/tfjs';
import type { BackboneConfig } from './backbone-config.ts';

type Tf = typeof TfModule;
type Tensor = TfModule.Tensor;

/** Backbone inputs as TF.js tensors. */
export interface BackboneTfInputs {
  /** int32 or float32 [B, S, S, 3], pixel values 0..255, upright. */
  readonly image: Tensor;
  /** int32 [B, maxTokens] hashed word ids (0 = padding). */
  readonly instruction: Tensor;
  /** float32 [B, proprioSize], when the config has proprioception. */
  readonly proprio?: Tensor;
}

/**
 * The backbone forward pass in TF.js (differentiable in every parameter):
 * → features float32 [B, F]. `params` maps the names of `backboneParameterShapes` to
 * tensors (variables when training). Must be called inside `tf.tidy` or with disposal by
 * the caller.
 */
export function backboneForward(tf: Tf, cfg: BackboneConfig, params: Record<string, Tensor>, inputs: BackboneTfInputs): Tensor {
  const p = (name: string) => {
    const t = params[name];
    if (t === undefined) throw new RangeError(`backbone parameter "${name}" is missing`);
    return t;
  };
  let x = tf.div(tf.cast(inputs.image, 'float32'), 255) as TfModule.Tensor4D;
  cfg.convs.forEach((c, i) => {
    const y = tf.conv2d(x, p(`conv.${i}.kernel`) as TfModule.Tensor4D, c.stride, 'same');
    x = tf.relu(tf.add(y, p(`conv.${i}.bias`))) as TfModule.Tensor4D;
  });
  const B = x.shape[0];
  const flat = tf.reshape(x, [B, -1]);
  const bag = tf.sum(tf.oneHot(tf.cast(inputs.instruction, 'int32') as TfModule.Tensor2D, cfg.vocabSize), 1);
  // Padding (id 0) contributes nothing: its embedding row is masked out.
  const rowMask = tf.concat([tf.zeros([1, 1]), tf.ones([cfg.vocabSize - 1, 1])], 0);
  const words = tf.matMul(bag as TfModule.Tensor2D, tf.mul(p('words.embedding'), rowMask) as TfModule.Tensor2D);
  const parts = [flat, words];
  if (cfg.proprioSize > 0) {
    if (inputs.proprio === undefined) throw new RangeError(`backbone needs proprio [B, ${cfg.proprioSize}]`);
    parts.push(tf.cast(inputs.proprio, 'float32'));
  }
  const fused = tf.relu(tf.add(tf.matMul(tf.concat(parts, 1) as TfModule.Tensor2D, p('fuse.kernel') as TfModule.Tensor2D), p('fuse.bias')));
  return tf.add(tf.matMul(fused as TfModule.Tensor2D, p('out.kernel') as TfModule.Tensor2D), p('out.bias'));
}
