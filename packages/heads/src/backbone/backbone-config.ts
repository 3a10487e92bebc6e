import { HeadsError } from '../errors/heads-error.ts';

/** One convolution of the backbone: `filters` output channels, square kernel, stride, TF "same" padding. */
export interface ConvSpec {
  readonly filters: number;
  readonly kernel: number;
  readonly stride: number;
}

/**
 * The vision-language backbone of the embedded policy (small enough to train on two CPU
 * cores): agent-view image → convolutions → flatten; instruction → bag of hashed words →
 * embedding; optional proprioception; concatenated → ReLU(hidden) → `features` [F].
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
}

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

/** Width of the flattened convolution output. */
export function flatWidth(cfg: BackboneConfig): number {
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
  return value as BackboneConfig;
}
