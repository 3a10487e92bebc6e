import type { SeededPrng } from '@rsd/rfsq';

/**
 * Random-shift augmentation: each image is padded by `pad` pixels (edge replicated) and
 * cropped back to S×S at an offset drawn from `rng` in [0, 2·pad]. Same rng state → same output.
 * images: uint8 [B, S, S, 3] → uint8 [B, S, S, 3].
 */
export function randomShift(images: Uint8Array, B: number, S: number, pad: number, rng: SeededPrng): Uint8Array {
  if (images.length !== B * S * S * 3)
    throw new RangeError(`images must be [B=${B}, ${S}, ${S}, 3], got ${images.length} values`);
  if (!Number.isInteger(pad) || pad < 0) throw new RangeError(`pad must be an integer >= 0, got ${pad}`);
  const out = new Uint8Array(images.length);
  const clamp = (v: number) => (v < 0 ? 0 : v >= S ? S - 1 : v);
  for (let b = 0; b < B; b++) {
    const dy = rng.int(2 * pad + 1) - pad;
    const dx = rng.int(2 * pad + 1) - pad;
    const base = b * S * S * 3;
    for (let y = 0; y < S; y++) {
      const sy = clamp(y + dy);
      for (let x = 0; x < S; x++) {
        const src = base + (sy * S + clamp(x + dx)) * 3;
        const dst = base + (y * S + x) * 3;
        out[dst] = images[src]!;
        out[dst + 1] = images[src + 1]!;
        out[dst + 2] = images[src + 2]!;
      }
    }
  }
  return out;
}
