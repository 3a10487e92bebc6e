import { sampleCategorical } from './logits-math.ts';

/** The outcome of verifying one proposed position. */
export interface PositionDecision {
  /** The code kept at this position. */
  readonly token: number;
  /** Whether the proposed code was kept. */
  readonly accepted: boolean;
}

/** A source of uniforms in [0, 1). */
export interface UniformSource {
  next(): number;
}

/**
 * Speculative sampling of one position (Leviathan et al. / Chen et al.): the draft proposed
 * `draftToken` drawn from `q`; keep it with probability `min(1, p[d] / q[d])`, otherwise draw
 * from the normalised residual `max(0, p − q)`. The returned code is distributed exactly as `p`.
 * If the residual has no mass (p = q up to rounding), rejection has probability zero in exact
 * arithmetic; the code is then drawn from `p`, which is the same distribution.
 * p, q: float64 [K] (each sums to 1); `scratch`: float64 [K] work space.
 */
export function speculativeSample(
  p: Float64Array,
  q: Float64Array,
  K: number,
  draftToken: number,
  random: UniformSource,
  scratch: Float64Array,
): PositionDecision {
  const pd = p[draftToken]!;
  const qd = q[draftToken]!;
  const u = random.next();
  if (qd <= 0 || u * qd < pd) return { token: draftToken, accepted: true };
  let total = 0;
  for (let v = 0; v < K; v++) {
    const r = Math.max(0, p[v]! - q[v]!);
    scratch[v] = r;
    total += r;
  }
  const u2 = random.next();
  const token = total > 0 ? sampleCategorical(scratch, K, u2, total) : sampleCategorical(p, K, u2);
  return { token, accepted: false };
}
