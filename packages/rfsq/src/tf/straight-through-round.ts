import type * as TfModule from '@tensorflow/tfjs';

type Tf = typeof TfModule;

/**
 * FSQ level with a straight-through gradient: forward `clip(floor(u·a + a + 0.5), 0, K−1)`
 * mapped back to `(code − a)/a`; backward the identity (d level / d u = 1).
 * u: float32 [N, P]; halfWidth a, maxCode: float32 [P] per latent position.
 */
export function straightThroughLevel(tf: Tf, halfWidth: TfModule.Tensor1D, maxCode: TfModule.Tensor1D) {
  return tf.customGrad(((u: TfModule.Tensor) => {
    const level = tf.tidy(() => tf.div(tf.sub(fsqCodeTf(tf, u, halfWidth, maxCode), halfWidth), halfWidth));
    return { value: level, gradFunc: (dy: TfModule.Tensor) => dy };
  }) as Parameters<Tf['customGrad']>[0]) as (u: TfModule.Tensor) => TfModule.Tensor;
}

/** Codes as float32: `clip(floor(u·a + a + 0.5), 0, K−1)`. u: float32 [N, P] → float32 [N, P]. */
export function fsqCodeTf(tf: Tf, u: TfModule.Tensor, halfWidth: TfModule.Tensor1D, maxCode: TfModule.Tensor1D): TfModule.Tensor {
  return tf.tidy(() => tf.minimum(tf.maximum(tf.floor(tf.add(tf.add(tf.mul(u, halfWidth), halfWidth), 0.5)), 0), maxCode));
}
