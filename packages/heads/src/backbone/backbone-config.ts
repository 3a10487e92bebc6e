import { HeadsError } from '../errors/heads-error.ts';

/** One convolution of the backbone: `filters` output channels, square kernel, stride, TF "same" padding. */
export interface ConvSpec {
  readonly filters: number;
  readonly kernel: number;
  readonly stride: number;
}

/**
 * The vision-language backbone of the embedded policy (small enough to train on two CPU
 * cores): agent-view image → convolutions (optionally GroupNorm after each but the last) →
 * flatten, or spatial softmax keypoints → ReLU(keypointWidth); instruction → bag of hashed
 * words → embedding; optional proprioception; concatenated → ReLU(hidden) → `features` [F]
 * (linear, or ReLU when `featureActivation` is `relu`: a hidden layer of a larger policy).
 */
export interface BackboneConfig {
  /** Side of the square input image, pixels. */
  readonly imageSize: number;
  readonly convs: readonly ConvSpec[];
  /** Hashed-word vocabulary (id 0 = padding) and instruction length, as in `hashInstruction`. */
  readonly vocabSize: number;
  readonly maxTokens: number;
  /** Width of the instruction embedding. */
  readonly wordDim: number;
  /** Width of the proprioception input; 0 = none. */
  readonly proprioSize: number;
  /** Width of the fusion layer. */
  readonly hidden: number;
  /** Output feature width `F`. */
  readonly F: number;
  /** GroupNorm (`groups` groups, learned scale and shift) after every convolution but the last, before its ReLU; absent: none. */
  readonly norm?: { readonly groups: number };
  /**
   * How the last convolution's map becomes a vector: `flatten` (default), or `spatial-softmax`:
   * per channel a softmax over the map's positions and the expected (x, y) in [-1, 1]
   * (2 × channels keypoints; the last convolution has no ReLU), then ReLU(Linear(keypointWidth)).
   */
  readonly pooling?: 'flatten' | 'spatial-softmax';
  /** Width of the layer after the keypoints (required with `spatial-softmax`). */
  readonly keypointWidth?: number;
  /** `linear` (default) or `relu` on the output features. */
  readonly featureActivation?: 'linear' | 'relu';
}

/** Whether the backbone pools its last map with a spatial softmax. */
export const usesKeypoints = (cfg: BackboneConfig): boolean => cfg.pooling === 'spatial-softmax';

/** Spatial side after each convolution ("same" padding: ceil(in / stride)). */
export function convOutputSizes(cfg: BackboneConfig): number[] {
  const sizes: number[] = [];
  let s = cfg.imageSize;
  for (const c of cfg.convs) {
    s = Math.ceil(s / c.stride);
    sizes.push(s);
  }
  return sizes;
}

/** Width of the image vector the fusion layer reads: the flattened map, or `keypointWidth`. */
export function flatWidth(cfg: BackboneConfig): number {
  if (usesKeypoints(cfg)) return cfg.keypointWidth!;
  const sizes = convOutputSizes(cfg);
  const last = cfg.convs[cfg.convs.length - 1];
  return last === undefined ? cfg.imageSize * cfg.imageSize * 3 : sizes[sizes.length - 1]! ** 2 * last.filters;
}

export function validateBackboneConfig(value: unknown, source = 'backbone config'): BackboneConfig {
  const fail = (field: string, why: string): never => {
    throw new HeadsError('INVALID_CONFIG', `${source}: field "${field}" ${why}`, { subject: `${source}.${field}` });
  };
  if (typeof value !== 'object' || value === null) fail('(root)', 'must be an object');
  const v = value as Record<string, unknown>;
  const int = (f: string, min: number) => {
    const x = v[f];
    if (typeof x !== 'number' || !Number.isInteger(x) || x < min) fail(f, `must be an integer >= ${min}, got ${JSON.stringify(x)}`);
  };
  int('imageSize', 1);
  int('vocabSize', 2);
  int('maxTokens', 1);
  int('wordDim', 1);
  int('proprioSize', 0);
  int('hidden', 1);
  int('F', 1);
  if (!Array.isArray(v.convs)) fail('convs', 'must be a list');
  (v.convs as unknown[]).forEach((c, i) => {
    const o = c as Record<string, unknown>;
    for (const f of ['filters', 'kernel', 'stride']) {
      const x = o?.[f];
      if (typeof x !== 'number' || !Number.isInteger(x) || x < 1) fail(`convs[${i}].${f}`, 'must be an integer >= 1');
    }
  });
  if (v.pooling !== undefined && v.pooling !== 'flatten' && v.pooling !== 'spatial-softmax') fail('pooling', `must be "flatten" or "spatial-softmax", got ${JSON.stringify(v.pooling)}`);
  if (v.pooling === 'spatial-softmax') {
    int('keypointWidth', 1);
    if ((v.convs as unknown[]).length === 0) fail('convs', 'must have at least one convolution with spatial-softmax pooling');
  }
  if (v.featureActivation !== undefined && v.featureActivation !== 'linear' && v.featureActivation !== 'relu')
    fail('featureActivation', `must be "linear" or "relu", got ${JSON.stringify(v.featureActivation)}`);
  if (v.norm !== undefined) {
    const g = (v.norm as Record<string, unknown>)?.groups;
    if (typeof g !== 'number' || !Number.isInteger(g) || g < 1) fail('norm.groups', 'must be an integer >= 1');
    (v.convs as { filters: number }[]).slice(0, -1).forEach((c, i) => {
      if (c.filters % (g as number) !== 0) fail(`convs[${i}].filters`, `(${c.filters}) must be a multiple of norm.groups (${String(g)})`);
    });
  }
  return value as BackboneConfig;
}
