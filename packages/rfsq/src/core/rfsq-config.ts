/** How each residual layer is scaled before quantizing (SPEC §1.1). */
export type RfsqVariant = 'robust' | 'naive';

/** The variants this package knows, in a stable order. */
export const RFSQ_VARIANTS: readonly RfsqVariant[] = ['robust', 'naive'];

/**
 * Sizes and quantizer of an RFSQ tokenizer.
 * Tokens are int [B, C, H, L]; the code at (c, h, l) lies in `[0, levels[h])`.
 */
export interface RfsqConfig {
  /** Action chunk length (steps). */
  readonly C: number;
  /** Action width (7: dx dy dz droll dpitch dyaw gripper). */
  readonly A: number;
  /** Latent dims per step. */
  readonly H: number;
  /** Residual layers. */
  readonly L: number;
  /** Token vocabulary size: `max(levels)`; every code lies in `[0, K)`. */
  readonly K: number;
  /** int [H]: FSQ levels of each latent dim (all `K` by default; e.g. `[8,5,5,5]` as in the FSQ paper). */
  readonly levels: readonly number[];
  readonly variant: RfsqVariant;
  /** Hidden widths of the encoder MLP; the decoder mirrors them. */
  readonly hidden: readonly number[];
}

/** Builds a config with uniform levels `K` on every latent dim (the default layout). */
export function rfsqConfig(options: {
  C: number;
  A: number;
  H: number;
  L: number;
  K?: number;
  levels?: readonly number[];
  variant: RfsqVariant;
  hidden?: readonly number[];
}): RfsqConfig {
  const levels = options.levels ?? Array.from({ length: options.H }, () => options.K ?? 7);
  const config: RfsqConfig = {
    C: options.C,
    A: options.A,
    H: options.H,
    L: options.L,
    K: options.K ?? Math.max(...levels),
    levels: [...levels],
    variant: options.variant,
    hidden: [...(options.hidden ?? [256, 256])],
  };
  validateRfsqConfig(config);
  return config;
}

/** Throws a RangeError/TypeError naming the field when `config` is not a valid {@link RfsqConfig}. */
export function validateRfsqConfig(config: RfsqConfig, name = 'config'): void {
  for (const key of ['C', 'A', 'H', 'L'] as const) {
    const v = config[key];
    if (!Number.isInteger(v) || v < 1) throw new RangeError(`${name}.${key} must be an integer >= 1, got ${v}`);
  }
  if (!RFSQ_VARIANTS.includes(config.variant)) {
    throw new RangeError(`${name}.variant must be "robust" or "naive", got ${JSON.stringify(config.variant)}`);
  }
  if (!Array.isArray(config.levels) || config.levels.length !== config.H) {
    throw new RangeError(`${name}.levels must list ${config.H} level counts (one per latent dim)`);
  }
  config.levels.forEach((k, i) => {
    if (!Number.isInteger(k) || k < 2) throw new RangeError(`${name}.levels[${i}] must be an integer >= 2, got ${k}`);
  });
  if (config.K !== Math.max(...config.levels)) {
    throw new RangeError(`${name}.K (${config.K}) must equal max(${name}.levels) (${Math.max(...config.levels)})`);
  }
  if (!Array.isArray(config.hidden) || config.hidden.some((h) => !Number.isInteger(h) || h < 1)) {
    throw new RangeError(`${name}.hidden must be a list of integers >= 1`);
  }
}
