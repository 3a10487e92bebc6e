import type * as TfModule from '@tensorflow/tfjs';
import { backboneForward, backboneParameterShapes, initBackboneWeights, type BackboneConfig, type BackboneWeights } from '@rsd/heads';
import { SeededPrng } from '@rsd/rfsq';

type Tf = typeof TfModule;

/**
 * The teacher (the embedded default's own small "VLA"): the backbone (the trunk, up to the
 * hidden layer of width F that the RSD heads read) and a linear continuous head F → C·A that
 * predicts the z-scored action chunk.
 */
export interface TeacherModelConfig {
  readonly backbone: BackboneConfig;
  readonly chunk: number;
  readonly actionDim: number;
}

/** Teacher weights: the backbone's (TF layouts) plus `head.kernel` [F, C·A] and `head.bias` [C·A]. */
export type TeacherWeights = BackboneWeights;

/** Every parameter name with its shape, in a fixed order (backbone first, then the head). */
export function teacherParameterShapes(cfg: TeacherModelConfig): [string, number[]][] {
  const out = cfg.chunk * cfg.actionDim;
  return [...backboneParameterShapes(cfg.backbone), ['head.kernel', [cfg.backbone.F, out]], ['head.bias', [out]]];
}

/** Seeded initial weights: the backbone's He-uniform init, the head uniform in ±1/√F (bias zero). */
export function initTeacherWeights(cfg: TeacherModelConfig, seed: number): TeacherWeights {
  const w = initBackboneWeights(cfg.backbone, seed);
  const rng = new SeededPrng(seed + 5);
  const n = cfg.backbone.F * cfg.chunk * cfg.actionDim;
  const limit = 1 / Math.sqrt(cfg.backbone.F);
  w['head.kernel'] = Float32Array.from({ length: n }, () => (rng.next() * 2 - 1) * limit);
  w['head.bias'] = new Float32Array(cfg.chunk * cfg.actionDim);
  return w;
}

/** One minibatch as plain arrays (what a gradient worker receives). */
export interface TeacherBatch {
  readonly n: number;
  /** uint8 [n, S, S, 3] (already augmented). */
  readonly images: Uint8Array;
  /** int32 [n, maxTokens]. */
  readonly instructions: Int32Array;
  /** float32 [n, P], z-scored. */
  readonly proprio: Float32Array;
  /** float32 [n, C·A], z-scored chunk. */
  readonly targets: Float32Array;
}

/** Rows [from, to) of a batch (views, no copy). */
export function sliceTeacherBatch(b: TeacherBatch, from: number, to: number): TeacherBatch {
  const rows = <T extends { length: number; subarray(a: number, b: number): T }>(a: T) => a.subarray((from * a.length) / b.n, (to * a.length) / b.n);
  return { n: to - from, images: rows(b.images), instructions: rows(b.instructions), proprio: rows(b.proprio), targets: rows(b.targets) };
}

/** Teacher forward: z-scored chunk [B, C·A] (inside `tf.tidy` or disposed by the caller). */
export function teacherForward(tf: Tf, cfg: TeacherModelConfig, vars: Record<string, TfModule.Tensor>, b: Omit<TeacherBatch, 'targets'>): TfModule.Tensor2D {
  const S = cfg.backbone.imageSize;
  const features = backboneForward(tf, cfg.backbone, vars, {
    image: tf.tensor4d(b.images, [b.n, S, S, 3], 'int32'),
    instruction: tf.tensor2d(b.instructions, [b.n, b.instructions.length / b.n], 'int32'),
    proprio: tf.tensor2d(b.proprio, [b.n, b.proprio.length / b.n]),
  }) as TfModule.Tensor2D;
  return tf.add(tf.matMul(features, vars['head.kernel'] as TfModule.Tensor2D), vars['head.bias']!) as TfModule.Tensor2D;
}

/** The teacher's training loss: mean absolute error on the z-scored chunk (L1). */
export function teacherLoss(tf: Tf, cfg: TeacherModelConfig, vars: Record<string, TfModule.Tensor>, b: TeacherBatch): TfModule.Scalar {
  return tf.tidy(() => tf.mean(tf.abs(tf.sub(teacherForward(tf, cfg, vars, b), tf.tensor2d(b.targets, [b.n, b.targets.length / b.n])))) as TfModule.Scalar);
}
