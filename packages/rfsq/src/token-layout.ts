import { RfsqError } from './errors/rfsq-error.ts';

/** Sizes of a batch of RFSQ tokens: batch `B`, chunk steps `C`, latent dims `H`, layers `L`. */
export interface TokenShape {
  readonly B: number;
  readonly C: number;
  readonly H: number;
  readonly L: number;
}

function checkShape(shape: TokenShape, length: number, what: string): void {
  for (const key of ['B', 'C', 'H', 'L'] as const) {
    const v = shape[key];
    if (!Number.isInteger(v) || v < 0) throw new RangeError(`shape.${key} must be a non-negative integer, got ${v}`);
  }
  const expected = shape.B * shape.C * shape.H * shape.L;
  if (length !== expected) {
    throw new RfsqError(
      'INVALID_SHAPE',
      `${what} has ${length} elements, but shape [B=${shape.B}, C=${shape.C}, H=${shape.H}, L=${shape.L}] needs ${expected}`,
      { subject: what },
    );
  }
}

/**
 * Position-major → residual-major.
 * tokens: int32 [B, C, H, L] (row-major) → int32 [B, L, C, H].
 */
export function toResidualMajor(tokens: Int32Array, shape: TokenShape): Int32Array {
  checkShape(shape, tokens.length, 'tokens');
  const { B, C, H, L } = shape;
  const out = new Int32Array(tokens.length);
  const CH = C * H;
  for (let b = 0; b < B; b++) {
    const base = b * CH * L;
    for (let p = 0; p < CH; p++) {
      for (let l = 0; l < L; l++) out[base + l * CH + p] = tokens[base + p * L + l]!;
    }
  }
  return out;
}

/**
 * Residual-major → position-major; the inverse of {@link toResidualMajor}.
 * tokens: int32 [B, L, C, H] (row-major) → int32 [B, C, H, L].
 */
export function fromResidualMajor(tokens: Int32Array, shape: TokenShape): Int32Array {
  checkShape(shape, tokens.length, 'tokens');
  const { B, C, H, L } = shape;
  const out = new Int32Array(tokens.length);
  const CH = C * H;
  for (let b = 0; b < B; b++) {
    const base = b * CH * L;
    for (let p = 0; p < CH; p++) {
      for (let l = 0; l < L; l++) out[base + p * L + l] = tokens[base + l * CH + p]!;
    }
  }
  return out;
}
