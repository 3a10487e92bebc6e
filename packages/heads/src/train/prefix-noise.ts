import { SeededRandom } from '../testing/seeded-random.ts';

/**
 * Prefix noise for the main head (Jacobi consistency training, in the spirit of CEED-VLA's
 * consistency distillation): the main head is teacher-forced on a corrupted copy of the tokens
 * while its targets stay the clean ones, so that its output for layer l+1 does not change when
 * the prefix it is given holds the errors a draft or an earlier Jacobi pass puts there.
 *
 * Per sample (seeded): with probability `cleanShare` the prefix stays clean. Otherwise a cut
 * layer j is drawn uniformly from 1..L: layers ≥ j are set to {@link undecidedCode} (what the
 * engine feeds for layers nobody has proposed yet), and every code of layers 1..j−1 moves to a
 * neighbouring level (±1, clamped) with probability r, r drawn uniformly from [0, `maxRate`]
 * (the draft's typical error: a code next to the boundary on the wrong side). Layer 0 is never
 * corrupted: the engine decides it in the first pass. Exact mode stays exact whatever the head
 * learns (the engine verifies every guess); the noise only moves how often guesses are kept.
 */
export interface PrefixNoise {
  /** Share of samples left clean, 0..1. */
  readonly cleanShare: number;
  /** Largest per-code neighbour-swap probability in the kept prefix, 0..1. */
  readonly maxRate: number;
}

/**
 * The code fed for a layer without a proposal: the middle level, i.e. a residual of zero (the
 * most likely value of a deep residual layer). `@rsd/rsd-engine` fills undecided layers with it.
 */
export function undecidedCode(K: number): number {
  return (K - 1) >> 1;
}

/** Throws a RangeError naming the field when a setting is out of range. */
export function checkPrefixNoise(noise: PrefixNoise, name = 'prefixNoise'): void {
  if (!(noise.cleanShare >= 0 && noise.cleanShare <= 1)) throw new RangeError(`${name}.cleanShare must be in [0, 1], got ${noise.cleanShare}`);
  if (!(noise.maxRate >= 0 && noise.maxRate <= 1)) throw new RangeError(`${name}.maxRate must be in [0, 1], got ${noise.maxRate}`);
}

/**
 * A corrupted copy of a minibatch's tokens (int32 [B, C, H, L], layer fastest, as the heads read
 * them). Deterministic in `seed`. `tokens` is not modified.
 */
export function corruptPrefix(tokens: Int32Array, B: number, P: number, L: number, K: number, noise: PrefixNoise, seed: number): Int32Array {
  if (tokens.length !== B * P * L) throw new RangeError(`corruptPrefix: ${tokens.length} tokens, expected B·P·L = ${B * P * L}`);
  const out = Int32Array.from(tokens);
  const rng = new SeededRandom(seed);
  const fill = undecidedCode(K);
  for (let b = 0; b < B; b++) {
    const clean = rng.next() < noise.cleanShare;
    const cut = 1 + rng.int(L);
    const rate = rng.next() * noise.maxRate;
    if (clean) continue;
    for (let pos = 0; pos < P; pos++) {
      const base = (b * P + pos) * L;
      for (let l = 1; l < L; l++) {
        if (l >= cut) {
          out[base + l] = fill;
          continue;
        }
        if (rng.next() >= rate) continue;
        const v = out[base + l]!;
        const step = rng.next() < 0.5 ? -1 : 1;
        out[base + l] = Math.min(K - 1, Math.max(0, v + step));
      }
    }
  }
  return out;
}
