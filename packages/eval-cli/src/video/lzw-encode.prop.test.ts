import { fc, test } from '@fast-check/vitest';
import { describe, expect, it } from 'vitest';
import { lzwEncode } from './lzw-encode.ts';

/** A GIF LZW decoder written from the spec (variable width, LSB first, clear/EOI codes). */
function lzwDecode(bytes: Uint8Array, minCodeSize: number): number[] {
  const clear = 1 << minCodeSize;
  const eoi = clear + 1;
  let size = minCodeSize + 1;
  let dict: number[][] = [];
  const reset = () => {
    dict = Array.from({ length: clear + 2 }, (_, i) => (i < clear ? [i] : []));
    size = minCodeSize + 1;
  };
  reset();
  const out: number[] = [];
  let bit = 0;
  let prev: number[] | undefined;
  const read = () => {
    let code = 0;
    for (let i = 0; i < size; i++, bit++) {
      if (bit >> 3 >= bytes.length) throw new Error('ran out of data before EOI');
      code |= ((bytes[bit >> 3]! >> (bit & 7)) & 1) << i;
    }
    return code;
  };
  for (;;) {
    const code = read();
    if (code === clear) {
      reset();
      prev = undefined;
      continue;
    }
    if (code === eoi) return out;
    let entry: number[];
    if (code < dict.length) entry = dict[code]!;
    else if (code === dict.length && prev !== undefined) entry = [...prev, prev[0]!];
    else throw new Error(`bad code ${code} (table ${dict.length})`);
    out.push(...entry);
    if (prev !== undefined && dict.length < 4096) dict.push([...prev, entry[0]!]);
    if (dict.length === 1 << size && size < 12) size++;
    prev = entry;
  }
}

describe('lzwEncode', () => {
  test.prop([fc.uint8Array({ minLength: 0, maxLength: 3000 })])('round-trips through a spec decoder (8-bit codes)', (data) => {
    expect(lzwDecode(lzwEncode(data, 8), 8)).toEqual([...data]);
  });

  test.prop([fc.array(fc.integer({ min: 0, max: 3 }), { maxLength: 3000 })])('round-trips with 2-bit codes', (values) => {
    const data = Uint8Array.from(values);
    expect(lzwDecode(lzwEncode(data, 2), 2)).toEqual(values);
  });

  it('survives table resets (long incompressible input)', () => {
    let s = 12345;
    const data = Uint8Array.from({ length: 40_000 }, () => ((s = (Math.imul(s, 1103515245) + 12345) >>> 0) >>> 24) & 0xff);
    expect(lzwDecode(lzwEncode(data, 8), 8)).toEqual([...data]);
  });

  it('compresses a constant image', () => {
    expect(lzwEncode(new Uint8Array(65_536), 8).length).toBeLessThan(2_000);
  });

  it('refuses an index outside the alphabet', () => {
    expect(() => lzwEncode(Uint8Array.from([0, 4]), 2)).toThrow(RangeError);
  });
});
