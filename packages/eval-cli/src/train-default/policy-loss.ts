import type * as TfModule from '@tensorflow/tfjs';
import { backboneForward, type BackboneConfig, type MainHeadTf } from '@rsd/heads';
import { PROPRIO_SIZE } from './train-default-config.ts';

type Tf = typeof TfModule;

/** One minibatch as plain arrays (what a gradient worker receives). */
export interface BatchArrays {
  readonly n: number;
  /** uint8 [n, S, S, 3] (already augmented). */
  readonly images: Uint8Array;
  /** int32 [n, maxTokens]. */
  readonly instructions: Int32Array;
  /** float32 [n, 5]. */
  readonly proprio: Float32Array;
  /** int32 [n, C, H, L]. */
  readonly tokens: Int32Array;
}

/** Rows [from, to) of a batch (views, no copy). */
export function sliceBatch(b: BatchArrays, from: number, to: number): BatchArrays {
  const per = (a: { length: number }) => a.length / b.n;
  return {
    n: to - from,
    images: b.images.subarray(from * per(b.images), to * per(b.images)),
    instructions: b.instructions.subarray(from * per(b.instructions), to * per(b.instructions)),
    proprio: b.proprio.subarray(from * PROPRIO_SIZE, to * PROPRIO_SIZE),
    tokens: b.tokens.subarray(from * per(b.tokens), to * per(b.tokens)),
  };
}

/**
 * Cross-entropy of logits [B, C, H, L, K] against int targets [B, C, H, L], averaged over
 * positions with layer l weighted by `layerWeights[l]` (float32 [L], mean 1; uniform when absent).
 */
export function tokenCrossEntropy(
  tf: Tf,
  logits: TfModule.Tensor,
  targets: TfModule.Tensor,
  K: number,
  layerWeights?: TfModule.Tensor1D,
): TfModule.Scalar {
  const oneHot = tf.oneHot(tf.reshape(targets, [-1]) as TfModule.Tensor1D, K).toFloat();
  const ce = tf.neg(tf.sum(tf.mul(oneHot, tf.logSoftmax(tf.reshape(logits, [-1, K]))), -1));
  if (layerWeights === undefined) return tf.mean(ce) as TfModule.Scalar;
  return tf.mean(tf.mul(tf.reshape(ce, [-1, layerWeights.shape[0]]), layerWeights)) as TfModule.Scalar;
}

/** The policy's training loss on a batch: backbone → main head (teacher-forced) → token cross-entropy. */
export function policyLoss(
  tf: Tf,
  backbone: BackboneConfig,
  vars: Record<string, TfModule.Variable>,
  main: MainHeadTf,
  b: BatchArrays,
  layerWeights: TfModule.Tensor1D | undefined,
): TfModule.Scalar {
  const { C, H, L, K } = main.cfg;
  const S = backbone.imageSize;
  return tf.tidy(() => {
    const tokens = tf.tensor4d(b.tokens, [b.n, C, H, L], 'int32');
    const inputs = {
      image: tf.tensor4d(b.images, [b.n, S, S, 3], 'int32'),
      instruction: tf.tensor2d(b.instructions, [b.n, b.instructions.length / b.n], 'int32'),
      proprio: tf.tensor2d(b.proprio, [b.n, PROPRIO_SIZE]),
    };
    const logits = main.apply(backboneForward(tf, backbone, vars, inputs) as TfModule.Tensor2D, tokens);
    return tokenCrossEntropy(tf, logits, tokens, K, layerWeights);
  });
}
