/**
 * A counter-based generator: the `i`-th draw of stream `(seed, stream)` is a hash of the three
 * numbers, so a draw never depends on how many were taken elsewhere and the same seed gives the
 * same numbers on every machine. `next()` returns a float in [0, 1) with 32 random bits.
 */
export class CounterRandom {
  private counter = 0;
  private readonly key0: number;
  private readonly key1: number;

  constructor(
    readonly seed: number,
    readonly stream = 0,
  ) {
    if (!Number.isInteger(seed) || seed < 0) throw new RangeError(`seed must be a non-negative integer, got ${seed}`);
    if (!Number.isInteger(stream) || stream < 0) throw new RangeError(`stream must be a non-negative integer, got ${stream}`);
    this.key0 = mix32((seed >>> 0) ^ 0x9e3779b9);
    this.key1 = mix32((Math.floor(seed / 2 ** 32) ^ Math.imul(stream, 0x85ebca6b) ^ 0x632be5ab) >>> 0);
  }

  /** Draws taken so far. */
  get position(): number {
    return this.counter;
  }

  next(): number {
    const c = this.counter++;
    const lo = c >>> 0;
    const hi = Math.floor(c / 2 ** 32) >>> 0;
    let h = mix32((lo ^ this.key0) >>> 0);
    h = mix32((h ^ hi ^ this.key1) >>> 0);
    h = mix32((h + this.key0) >>> 0);
    return h / 4294967296;
  }
}

/** A 32-bit finaliser (murmur3 fmix32 style): every input bit affects every output bit. */
function mix32(x: number): number {
  x ^= x >>> 16;
  x = Math.imul(x, 0x7feb352d);
  x ^= x >>> 15;
  x = Math.imul(x, 0x846ca68b);
  x ^= x >>> 16;
  return x >>> 0;
}
