import { describe, expect, it } from 'vitest';
import { readNpy, writeNpy } from './npy-file.ts';

describe('.npy files', () => {
  it('round-trips float32 and float64 arrays with their shape', () => {
    const f4 = Float32Array.from([1.5, -2, 3.25, 0, 7, 8]);
    const a = readNpy(writeNpy(f4, [2, 3]), 'a.npy');
    expect(a).toEqual({ shape: [2, 3], dtype: '<f4', data: Float64Array.from(f4) });
    const f8 = Float64Array.from([Math.PI, -1e-300]);
    expect(readNpy(writeNpy(f8, [2]), 'b.npy').data).toEqual(f8);
  });

  it('writes a header NumPy accepts: magic, version 1.0, 64-byte aligned, newline-terminated', () => {
    const bytes = writeNpy(new Float32Array(4), [1, 2, 2]);
    expect(Array.from(bytes.subarray(0, 8))).toEqual([0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59, 1, 0]);
    const headerLen = bytes[8]! + 256 * bytes[9]!;
    expect((10 + headerLen) % 64).toBe(0);
    const header = new TextDecoder().decode(bytes.subarray(10, 10 + headerLen));
    expect(header).toMatch(/^\{'descr': '<f4', 'fortran_order': False, 'shape': \(1, 2, 2\), \} *\n$/);
  });

  it('names the file and header field it cannot read', () => {
    expect(() => readNpy(new Uint8Array(20), 'x.npy')).toThrowError(/x\.npy: \.npy magic is missing/);
    const bytes = writeNpy(new Float32Array(2), [2]);
    const text = new TextDecoder('latin1').decode(bytes).replace("'<f4'", "'>f4'");
    const bad = Uint8Array.from(text, (c) => c.charCodeAt(0));
    expect(() => readNpy(bad, 'y.npy')).toThrowError(/y\.npy: \.npy header\.descr ">f4" is not supported/);
    expect(() => readNpy(bytes.subarray(0, bytes.length - 4), 'z.npy')).toThrowError(/z\.npy: \.npy data holds 4 bytes/);
  });
});
