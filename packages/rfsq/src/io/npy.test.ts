import { describe, expect, it } from 'vitest';
import { decodeNpy, encodeNpy, npyToFloat64 } from './npy.ts';

describe('npy', () => {
  it('round-trips every dtype and keeps the header 64-byte aligned', () => {
    const arrays = [
      { dtype: 'float32', shape: [2, 3], data: Float32Array.from([1, 2, 3, 4, 5, 6.5]) },
      { dtype: 'float64', shape: [3], data: Float64Array.from([1e-300, 2, -3]) },
      { dtype: 'int32', shape: [2, 2, 1], data: Int32Array.from([1, -2, 3, 4]) },
      { dtype: 'int64', shape: [1], data: BigInt64Array.from([-5n]) },
      { dtype: 'uint8', shape: [0, 4], data: new Uint8Array(0) },
    ] as const;
    for (const a of arrays) {
      const bytes = encodeNpy(a);
      expect((bytes.length - a.data.byteLength) % 64).toBe(0);
      const back = decodeNpy(bytes);
      expect(back.dtype).toBe(a.dtype);
      expect(back.shape).toEqual(a.shape);
      expect(Array.from(back.data as ArrayLike<number | bigint>)).toEqual(Array.from(a.data as ArrayLike<number | bigint>));
    }
  });

  it('reads a version 1.0 file laid out as np.save(np.arange(3, dtype="<i4")) writes it (128-byte header block)', () => {
    const header = "{'descr': '<i4', 'fortran_order': False, 'shape': (3,), }";
    const padded = `${header.padEnd(117)}\n`;
    const bytes = new Uint8Array(10 + padded.length + 12);
    bytes.set([0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59, 1, 0, padded.length, 0]);
    bytes.set(new TextEncoder().encode(padded), 10);
    bytes.set(new Uint8Array(Int32Array.from([0, 1, 2]).buffer), 10 + padded.length);
    expect(decodeNpy(bytes)).toEqual({ dtype: 'int32', shape: [3], data: Int32Array.from([0, 1, 2]) });
  });

  it('names the file when it cannot read it', () => {
    expect(() => decodeNpy(new Uint8Array(4), 'f.npy')).toThrowError(/f\.npy: not a \.npy file/);
    const big = encodeNpy({ dtype: 'float32', shape: [2], data: new Float32Array(2) });
    expect(() => decodeNpy(big.subarray(0, big.length - 1), 'g.npy')).toThrowError(/g\.npy: truncated data: .* needs 8 bytes, 7 present/);
    const extra = new Uint8Array(big.length + 1);
    extra.set(big);
    expect(() => decodeNpy(extra, 'e.npy')).toThrowError(/e\.npy: 1 trailing bytes/);
    const bytes = encodeNpy({ dtype: 'float32', shape: [1], data: new Float32Array(1) });
    const at = new TextDecoder().decode(bytes).indexOf("'<f4'");
    bytes.set(new TextEncoder().encode("'>f4'"), at);
    expect(() => decodeNpy(bytes, 'h.npy')).toThrowError(/dtype >f4/);
    const fortran = new TextDecoder('latin1').decode(encodeNpy({ dtype: 'float32', shape: [2], data: new Float32Array(2) }));
    expect(() => decodeNpy(Uint8Array.from(fortran.replace('False', 'True '), (c) => c.charCodeAt(0)), 'b.npy')).toThrowError(
      /b\.npy: Fortran/,
    );
  });

  it('reads bools as uint8 and converts any dtype to float64', () => {
    const header = "{'descr': '|b1', 'fortran_order': False, 'shape': (3,), }";
    const padded = `${header.padEnd(117)}\n`;
    const bytes = new Uint8Array(10 + padded.length + 3);
    bytes.set([0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59, 1, 0, padded.length, 0]);
    bytes.set(new TextEncoder().encode(padded), 10);
    bytes.set([1, 0, 1], 10 + padded.length);
    const a = decodeNpy(bytes);
    expect(a).toEqual({ dtype: 'uint8', shape: [3], data: Uint8Array.from([1, 0, 1]) });
    expect(Array.from(npyToFloat64({ dtype: 'int64', shape: [2], data: BigInt64Array.from([-3n, 5n]) }))).toEqual([-3, 5]);
  });
});

describe('npy from a Node Buffer', () => {
  it('copies out of the Buffer pool (a small Buffer is a view of a larger ArrayBuffer)', () => {
    const bytes = Buffer.from(encodeNpy({ dtype: 'float32', shape: [3], data: Float32Array.from([1, 2, 3]) }));
    expect(bytes.buffer.byteLength).toBeGreaterThan(bytes.length);
    expect(decodeNpy(bytes).data).toEqual(Float32Array.from([1, 2, 3]));
  });
});
