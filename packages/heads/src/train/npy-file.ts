import { HeadsError } from '../errors/heads-error.ts';

/** An array read from a `.npy` file: float32 for float dtypes, int32 for integer dtypes. */
export interface NpyArray {
  readonly shape: readonly number[];
  readonly data: Float32Array | Int32Array;
  /** The stored numpy dtype, e.g. `<f4`, `<i8`. */
  readonly descr: string;
}

const MAGIC = [0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59]; // \x93NUMPY

/**
 * Reads a NumPy `.npy` file (format 1.0–3.0, C order, little-endian or single-byte dtypes:
 * f2 f4 f8 → float32, i1 i2 i4 i8 u1 u2 u4 b1 → int32). Anything else is refused with a
 * HeadsError naming the file.
 */
export function readNpy(bytes: Uint8Array, fileName: string): NpyArray {
  const bad = (why: string) => new HeadsError('INVALID_SHAPE', `${fileName}: ${why}`, { subject: fileName });
  if (bytes.length < 10 || !MAGIC.every((b, i) => bytes[i] === b)) throw bad('not a .npy file (bad magic)');
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const major = bytes[6]!;
  const headerLen = major === 1 ? view.getUint16(8, true) : view.getUint32(8, true);
  const start = major === 1 ? 10 : 12;
  if (start + headerLen > bytes.length) throw bad('truncated header');
  const header = new TextDecoder('latin1').decode(bytes.subarray(start, start + headerLen));
  const descr = /'descr'\s*:\s*'([^']+)'/.exec(header)?.[1];
  const fortran = /'fortran_order'\s*:\s*(True|False)/.exec(header)?.[1];
  const shapeText = /'shape'\s*:\s*\(([^)]*)\)/.exec(header)?.[1];
  if (descr === undefined || fortran === undefined || shapeText === undefined)
    throw bad(`unreadable header ${header.trim()}`);
  if (fortran === 'True') throw bad('Fortran-order arrays are not supported (save with np.ascontiguousarray)');
  const shape = shapeText
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s !== '')
    .map(Number);
  const n = shape.reduce((a, b) => a * b, 1);
  const byteOrder = descr[0]!;
  const kind = descr.slice(1);
  const size = Number(kind.slice(1));
  if (byteOrder === '>' && size > 1) throw bad(`big-endian dtype ${descr} is not supported`);
  const off = start + headerLen;
  if (off + n * size > bytes.length)
    throw bad(`truncated data: ${n} × ${size} bytes expected, ${bytes.length - off} present`);
  const at = (i: number) => off + i * size;
  const read: Record<string, (i: number) => number> = {
    f2: (i) => halfToFloat(view.getUint16(at(i), true)),
    f4: (i) => view.getFloat32(at(i), true),
    f8: (i) => view.getFloat64(at(i), true),
    i1: (i) => view.getInt8(at(i)),
    u1: (i) => view.getUint8(at(i)),
    b1: (i) => view.getUint8(at(i)),
    i2: (i) => view.getInt16(at(i), true),
    u2: (i) => view.getUint16(at(i), true),
    i4: (i) => view.getInt32(at(i), true),
    u4: (i) => view.getUint32(at(i), true),
    i8: (i) => Number(view.getBigInt64(at(i), true)),
  };
  const get = read[kind];
  if (get === undefined) throw bad(`dtype ${descr} is not supported`);
  const data = kind.startsWith('f') ? new Float32Array(n) : new Int32Array(n);
  for (let i = 0; i < n; i++) data[i] = get(i);
  return { shape, data, descr };
}

/** Writes float32 (`<f4`) or int32 (`<i4`) data as a `.npy` (format 1.0). */
export function writeNpy(data: Float32Array | Int32Array, shape: readonly number[]): Uint8Array {
  const n = shape.reduce((a, b) => a * b, 1);
  if (n !== data.length) throw new RangeError(`writeNpy: ${data.length} values for shape [${shape.join(', ')}]`);
  const descr = data instanceof Float32Array ? '<f4' : '<i4';
  const shapeText = shape.length === 1 ? `(${shape[0]},)` : `(${shape.join(', ')})`;
  let header = `{'descr': '${descr}', 'fortran_order': False, 'shape': ${shapeText}, }`;
  const total = 10 + header.length + 1;
  header = header + ' '.repeat((64 - (total % 64)) % 64) + '\n';
  const out = new Uint8Array(10 + header.length + data.byteLength);
  out.set(MAGIC, 0);
  out[6] = 1;
  out[7] = 0;
  new DataView(out.buffer).setUint16(8, header.length, true);
  out.set(new TextEncoder().encode(header), 10);
  out.set(new Uint8Array(data.buffer, data.byteOffset, data.byteLength), 10 + header.length);
  return out;
}

function halfToFloat(h: number): number {
  const s = h & 0x8000 ? -1 : 1;
  const e = (h >> 10) & 0x1f;
  const f = h & 0x3ff;
  if (e === 0) return s * f * 2 ** -24;
  if (e === 31) return f ? NaN : s * Infinity;
  return s * (1 + f / 1024) * 2 ** (e - 15);
}
