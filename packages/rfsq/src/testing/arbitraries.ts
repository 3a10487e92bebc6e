import fc from 'fast-check';
import type { TokenShape } from '../token-layout.ts';

/** A small token shape (each size 1..maxSize; batch 1..4). */
export function arbTokenShape(maxSize = 8): fc.Arbitrary<TokenShape> {
  return fc.record({
    B: fc.integer({ min: 1, max: 4 }),
    C: fc.integer({ min: 1, max: maxSize }),
    H: fc.integer({ min: 1, max: maxSize }),
    L: fc.integer({ min: 1, max: maxSize }),
  });
}

/** Tokens int32 [B, C, H, L] with codes in [0, K), together with their shape and K. */
export function arbTokens(
  maxSize = 8,
  maxLevels = 9,
): fc.Arbitrary<{ shape: TokenShape; K: number; tokens: Int32Array }> {
  return fc
    .tuple(arbTokenShape(maxSize), fc.integer({ min: 2, max: maxLevels }))
    .chain(([shape, K]) =>
      fc
        .array(fc.integer({ min: 0, max: K - 1 }), {
          minLength: shape.B * shape.C * shape.H * shape.L,
          maxLength: shape.B * shape.C * shape.H * shape.L,
        })
        .map((codes) => ({ shape, K, tokens: Int32Array.from(codes) })),
    );
}
