const f32 = new Float32Array(1);
const u32 = new Uint32Array(f32.buffer);

/** Exact float32 value of an IEEE 754 binary16 bit pattern (uint16). */
export function float16BitsToNumber(bits: number): number {
  const sign = bits & 0x8000 ? -1 : 1;
  const exp = (bits >> 10) & 0x1f;
  const man = bits & 0x3ff;
  if (exp === 0) return sign * man * 2 ** -24; // zero and subnormals: exact in float64 and float32
  if (exp === 0x1f) {
    // keep the NaN payload: widen the mantissa into float32's
    u32[0] = ((bits & 0x8000) << 16) | 0x7f800000 | (man << 13);
    return f32[0]!;
  }
  u32[0] = ((bits & 0x8000) << 16) | ((exp - 15 + 127) << 23) | (man << 13);
  return f32[0]!;
}

/** Exact float32 value of a bfloat16 bit pattern (uint16): the upper half of a float32. */
export function bfloat16BitsToNumber(bits: number): number {
  u32[0] = (bits & 0xffff) << 16;
  return f32[0]!;
}

/**
 * The binary16 bit pattern of `value`, rounded to nearest even (for writers and tests).
 * Values beyond the float16 range become ±Infinity.
 */
export function numberToFloat16Bits(value: number): number {
  f32[0] = value;
  const x = u32[0]!;
  const sign = (x >>> 16) & 0x8000;
  const exp = (x >>> 23) & 0xff;
  const man = x & 0x7fffff;
  if (exp === 0xff) return sign | 0x7c00 | (man !== 0 ? 0x200 | (man >>> 13) : 0);
  const e = exp - 127 + 15;
  if (e >= 0x1f) return sign | 0x7c00;
  if (e <= 0) {
    if (e < -10) return sign;
    const m = man | 0x800000;
    const shift = 14 - e;
    let h = m >>> shift;
    const rem = m & ((1 << shift) - 1);
    const half = 1 << (shift - 1);
    if (rem > half || (rem === half && (h & 1) === 1)) h++;
    return sign | h;
  }
  let h = (e << 10) | (man >>> 13);
  const rem = man & 0x1fff;
  if (rem > 0x1000 || (rem === 0x1000 && (h & 1) === 1)) h++;
  return sign | h;
}

/** The bfloat16 bit pattern of `value`, rounded to nearest even (NaN stays NaN). */
export function numberToBFloat16Bits(value: number): number {
  f32[0] = value;
  const x = u32[0]!;
  if ((x & 0x7f800000) === 0x7f800000 && (x & 0x7fffff) !== 0) return (x >>> 16) | 0x40;
  const rounded = x + 0x7fff + ((x >>> 16) & 1);
  return (rounded >>> 16) & 0xffff;
}
