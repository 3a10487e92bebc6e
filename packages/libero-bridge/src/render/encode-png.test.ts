import { inflateSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { crc32, encodePng } from './encode-png.ts';

describe('encodePng', () => {
  it('computes the CRC PNG uses (IEND chunk)', () => {
    expect(crc32(new TextEncoder().encode('IEND'))).toBe(0xae426082);
  });

  it('writes signature, IHDR with the size, and rows that inflate back to the pixels', () => {
    const data = Uint8Array.from({ length: 3 * 4 * 2 }, (_, i) => (i * 37) % 256);
    const png = encodePng({ width: 4, height: 2, data });
    expect([...png.subarray(0, 8)]).toEqual([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
    const view = new DataView(png.buffer);
    expect(new TextDecoder().decode(png.subarray(12, 16))).toBe('IHDR');
    expect([view.getUint32(16), view.getUint32(20), png[24], png[25]]).toEqual([4, 2, 8, 2]);
    const idatLen = view.getUint32(33);
    expect(new TextDecoder().decode(png.subarray(37, 41))).toBe('IDAT');
    const raw = inflateSync(png.subarray(41, 41 + idatLen));
    expect(raw[0]).toBe(0);
    expect([...raw.subarray(1, 13)]).toEqual([...data.subarray(0, 12)]);
    expect([...raw.subarray(14, 26)]).toEqual([...data.subarray(12, 24)]);
  });

  it('rejects a buffer of the wrong size', () => {
    expect(() => encodePng({ width: 2, height: 2, data: new Uint8Array(5) })).toThrow(RangeError);
  });
});
