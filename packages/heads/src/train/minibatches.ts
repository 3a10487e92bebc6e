import { SeededRandom } from '../testing/seeded-random.ts';

/** A seeded Fisher–Yates shuffle (same seed → same order). */
export function shuffled(indices: readonly number[], seed: number): number[] {
  const out = [...indices];
  const rng = new SeededRandom(seed);
  for (let i = out.length - 1; i > 0; i--) {
    const j = rng.int(i + 1);
    [out[i], out[j]] = [out[j]!, out[i]!];
  }
  return out;
}

/** Rows `rows` of a row-major [N, rowSize] array, stacked: [rows.length, rowSize]. */
export function gatherRows<T extends Float32Array | Int32Array>(
  src: T,
  rowSize: number,
  rows: readonly number[],
  make: (n: number) => T,
): T {
  const out = make(rows.length * rowSize);
  rows.forEach((r, i) => out.set(src.subarray(r * rowSize, (r + 1) * rowSize), i * rowSize));
  return out;
}

/** Consecutive slices of at most `size` indices. */
export function minibatches(indices: readonly number[], size: number): number[][] {
  const out: number[][] = [];
  for (let i = 0; i < indices.length; i += size) out.push(indices.slice(i, i + size));
  return out;
}
