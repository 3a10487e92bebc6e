/**
 * GIF's variable-length LZW (GIF89a appendix F): codes packed LSB-first, starting one bit wider
 * than `minCodeSize`, growing to 12 bits, with a clear code when the table is full.
 * indices: uint8 [n] palette indices, each < 2^minCodeSize → the packed code stream.
 */
export function lzwEncode(indices: Uint8Array, minCodeSize = 8): Uint8Array {
  if (!Number.isInteger(minCodeSize) || minCodeSize < 2 || minCodeSize > 8) throw new RangeError(`minCodeSize must be in [2, 8], got ${minCodeSize}`);
  const alphabet = 1 << minCodeSize;
  const clear = alphabet;
  const eoi = alphabet + 1;
  const table = new Int32Array(4096 * alphabet).fill(-1);
  const out: number[] = [];
  let bitBuffer = 0;
  let bitCount = 0;
  let size = minCodeSize + 1;
  let next = eoi + 1;
  let resetSize = false;
  const write = (code: number) => {
    bitBuffer |= code << bitCount;
    bitCount += size;
    while (bitCount >= 8) {
      out.push(bitBuffer & 0xff);
      bitBuffer >>>= 8;
      bitCount -= 8;
    }
    if (resetSize) {
      size = minCodeSize + 1;
      resetSize = false;
    } else if (next > (1 << size) - 1 && size < 12) {
      size++;
    }
  };
  write(clear);
  if (indices.length === 0) {
    write(eoi);
  } else {
    let prefix = indices[0]!;
    if (prefix >= alphabet) throw new RangeError(`indices[0] = ${prefix} is not below 2^minCodeSize`);
    for (let i = 1; i < indices.length; i++) {
      const c = indices[i]!;
      if (c >= alphabet) throw new RangeError(`indices[${i}] = ${c} is not below 2^minCodeSize`);
      const key = prefix * alphabet + c;
      const code = table[key]!;
      if (code >= 0) {
        prefix = code;
        continue;
      }
      write(prefix);
      if (next < 4096) {
        table[key] = next++;
      } else {
        table.fill(-1);
        next = eoi + 1;
        resetSize = true;
        write(clear);
      }
      prefix = c;
    }
    write(prefix);
    write(eoi);
  }
  if (bitCount > 0) out.push(bitBuffer & 0xff);
  return Uint8Array.from(out);
}
