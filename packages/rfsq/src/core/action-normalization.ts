/**
 * Action normalisation: environment units → [-1, 1] per dimension,
 * `x_n = 2 (x − low) / (high − low) − 1`; the decoder applies the inverse. Same fields as the
 * bundle manifest's `actionNormalization` (@rsd/heads).
 */
export interface ActionNormalization {
  readonly kind: 'bounds';
  /** float [A]: value mapped to −1 (the 1st percentile of the training data). */
  readonly low: readonly number[];
  /** float [A]: value mapped to +1 (the 99th percentile). */
  readonly high: readonly number[];
}

/** Throws a RangeError naming the field when the bounds are not A finite pairs with high > low. */
export function validateActionNormalization(norm: ActionNormalization, A: number, name = 'actionNormalization'): void {
  if (norm.kind !== 'bounds') throw new RangeError(`${name}.kind must be "bounds"`);
  for (const key of ['low', 'high'] as const) {
    const v = norm[key];
    if (!Array.isArray(v) || v.length !== A || !v.every((x) => typeof x === 'number' && Number.isFinite(x))) {
      throw new RangeError(`${name}.${key} must be ${A} finite numbers`);
    }
  }
  norm.low.forEach((lo, i) => {
    if (!(norm.high[i]! > lo)) throw new RangeError(`${name}.high[${i}] (${norm.high[i]}) must be > low[${i}] (${lo})`);
  });
}

/** Per-dim `x_n = x · mul + add` coefficients, float32 like the graphs. */
export function normalizationCoefficients(norm: ActionNormalization): { mul: Float32Array; add: Float32Array } {
  const A = norm.low.length;
  const mul = new Float32Array(A);
  const add = new Float32Array(A);
  for (let i = 0; i < A; i++) {
    const range = norm.high[i]! - norm.low[i]!;
    mul[i] = 2 / range;
    add[i] = -2 * norm.low[i]! / range - 1;
  }
  return { mul, add };
}

/** Per-dim `x = x_n · mul + add` coefficients (the inverse map), float32. */
export function denormalizationCoefficients(norm: ActionNormalization): { mul: Float32Array; add: Float32Array } {
  const A = norm.low.length;
  const mul = new Float32Array(A);
  const add = new Float32Array(A);
  for (let i = 0; i < A; i++) {
    mul[i] = (norm.high[i]! - norm.low[i]!) / 2;
    add[i] = (norm.high[i]! + norm.low[i]!) / 2;
  }
  return { mul, add };
}

/** actions: float32 [N, A] in env units → float32 [N, A] normalised. */
export function normalizeActions(actions: Float32Array, norm: ActionNormalization): Float32Array {
  const { mul, add } = normalizationCoefficients(norm);
  return affinePerDim(actions, mul, add);
}

/** actions: float32 [N, A] normalised → float32 [N, A] in env units. */
export function denormalizeActions(actions: Float32Array, norm: ActionNormalization): Float32Array {
  const { mul, add } = denormalizationCoefficients(norm);
  return affinePerDim(actions, mul, add);
}

function affinePerDim(x: Float32Array, mul: Float32Array, add: Float32Array): Float32Array {
  const A = mul.length;
  if (x.length % A !== 0) throw new RangeError(`actions has ${x.length} values, not a multiple of A = ${A}`);
  const out = new Float32Array(x.length);
  for (let i = 0; i < x.length; i++) out[i] = Math.fround(x[i]! * mul[i % A]!) + add[i % A]!;
  return out;
}

/**
 * Bounds from data: the `lowPercentile`/`highPercentile` (default 1st/99th) of each dim, as FAST
 * does. A dim whose bounds coincide (a constant dim) gets `±max(1e-3, |value|·1e-3)` around it,
 * so the map stays invertible. actions: float [N, A].
 */
export function computeActionNormalization(
  actions: Float32Array | Float64Array,
  A: number,
  options: { lowPercentile?: number; highPercentile?: number } = {},
): ActionNormalization {
  const lowP = options.lowPercentile ?? 1;
  const highP = options.highPercentile ?? 99;
  if (!(lowP >= 0 && lowP < highP && highP <= 100)) throw new RangeError(`percentiles must satisfy 0 <= low < high <= 100`);
  const N = actions.length / A;
  if (!Number.isInteger(N) || N < 1) throw new RangeError(`actions must hold at least one row of A = ${A} values`);
  const low: number[] = [];
  const high: number[] = [];
  const col = new Float64Array(N);
  for (let d = 0; d < A; d++) {
    for (let i = 0; i < N; i++) col[i] = actions[i * A + d]!;
    col.sort();
    let lo = percentile(col, lowP);
    let hi = percentile(col, highP);
    if (!(hi - lo > 1e-6)) {
      const mid = (hi + lo) / 2;
      const half = Math.max(1e-3, Math.abs(mid) * 1e-3);
      lo = mid - half;
      hi = mid + half;
    }
    low.push(lo);
    high.push(hi);
  }
  return { kind: 'bounds', low, high };
}

/** Linear-interpolated percentile of sorted values. */
function percentile(sorted: Float64Array, p: number): number {
  const pos = ((sorted.length - 1) * p) / 100;
  const i = Math.floor(pos);
  const frac = pos - i;
  return i + 1 < sorted.length ? sorted[i]! * (1 - frac) + sorted[i + 1]! * frac : sorted[i]!;
}
