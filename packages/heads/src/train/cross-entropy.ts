import type * as TfModule from '@tensorflow/tfjs';
import type { Tf } from '../model/tf-dense.ts';

/** Mean cross-entropy of logits float32 [..., K] against integer targets int32 [...]. */
export function crossEntropy(tf: Tf, logits: TfModule.Tensor, targets: TfModule.Tensor, K: number): TfModule.Scalar {
  const oneHot = tf.oneHot(tf.reshape(targets, [-1]) as TfModule.Tensor1D, K).toFloat();
  const logp = tf.logSoftmax(tf.reshape(logits, [-1, K]));
  return tf.neg(tf.mean(tf.sum(tf.mul(oneHot, logp), -1))) as TfModule.Scalar;
}

/** Mean cross-entropy of logits float32 [..., K] against probabilities float32 [n, K] (soft targets). */
export function softCrossEntropy(
  tf: Tf,
  logits: TfModule.Tensor,
  probs: TfModule.Tensor2D,
  K: number,
): TfModule.Scalar {
  return tf.neg(tf.mean(tf.sum(tf.mul(probs, tf.logSoftmax(tf.reshape(logits, [-1, K]))), -1))) as TfModule.Scalar;
}
