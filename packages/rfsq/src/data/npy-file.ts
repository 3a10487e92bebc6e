import { RfsqError } from '../errors/rfsq-error.ts';

/** A numeric array read from `.npy`: `data` row-major with `shape`. */
export interface NpyArray {
  readonly shape: readonly number[];
  /** `'<f4'`, `'<f8'`, … as in the header. */
  readonly dtype: string;
  /** Values converted to float64, row-major. */
  readonly data: Float64Array;
}

const MAGIC = [0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59]; // \x93NUMPY

/**
 * Reads a `.npy` file (format 1.x–3.x, C order, little-endian float32/float64/int32/int64/
 * uint8/bool). Anything else is an RfsqError naming `file` and the header field.
 */
export function readNpy(bytes: Uint8Array, file: string): NpyArray {
  const fail = (field: string, why: string): never => {
    throw new RfsqError('INVALID_DATA', `${file}: .npy ${field} ${why}`, { subject: `${file}#${field}` });
  };
  if (bytes.length < 10 || MAGIC.some((b, i) => bytes[i] !== b)) fail('magic', 'is missing (not a .npy file)');
  const major = bytes[6]!;
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const headerLen = major === 1 ? view.getUint16(8, true) : view.getUint32(8, true);
  const headerStart = major === 1 ? 10 : 12;
  const header = new TextDecoder(major === 3 ? 'utf-8' : 'latin1').decode(bytes.subarray(headerStart, headerStart + headerLen));
  const descr = /'descr':\s*'([^']+)'/.exec(header)?.[1] ?? fail('header.descr', 'is missing');
  const fortran = /'fortran_order':\s*(True|False)/.exec(header)?.[1] ?? fail('header.fortran_order', 'is missing');
  if (fortran === 'True') fail('header.fortran_order', 'is True; only C order is supported');
  const shapeText = /'shape':\s*\(([^)]*)\)/.exec(header)?.[1] ?? fail('header.shape', 'is missing');
  const shape = shapeText
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s !== '')
    .map(Number);
  const n = shape.reduce((a, b) => a * b, 1);
  const offset = headerStart + headerLen;
  const sizes: Record<string, number> = { '<f4': 4, '<f8': 8, '<i4': 4, '<i8': 8, '|u1': 1, '|b1': 1 };
  const size = sizes[descr] ?? fail('header.descr', `"${descr}" is not supported (use float32/float64 little-endian)`);
  if (bytes.length - offset < n * size) fail('data', `holds ${bytes.length - offset} bytes, shape [${shape}] needs ${n * size}`);
  const data = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const p = offset + i * size;
    data[i] =
      descr === '<f4' ? view.getFloat32(p, true)
      : descr === '<f8' ? view.getFloat64(p, true)
      : descr === '<i4' ? view.getInt32(p, true)
      : descr === '<i8' ? Number(view.getBigInt64(p, true))
      : view.getUint8(p);
  }
  return { shape, dtype: descr, data };
}

/** Writes a C-order little-endian `.npy` (format 1.0): float32 → `<f4`, float64 → `<f8`. */
export function writeNpy(data: Float32Array | Float64Array, shape: readonly number[]): Uint8Array {
  const n = shape.reduce((a, b) => a * b, 1);
  if (n !== data.length) throw new RangeError(`data has ${data.length} values, shape [${shape}] needs ${n}`);
  const descr = data instanceof Float32Array ? '<f4' : '<f8';
  const shapeText = shape.length === 1 ? `(${shape[0]},)` : `(${shape.join(', ')})`;
  let header = `{'descr': '${descr}', 'fortran_order': False, 'shape': ${shapeText}, }`;
  const pad = 64 - ((10 + header.length + 1) % 64);
  header += ' '.repeat(pad === 64 ? 0 : pad) + '\n';
  const out = new Uint8Array(10 + header.length + data.byteLength);
  out.set(MAGIC, 0);
  out[6] = 1;
  out[7] = 0;
  new DataView(out.buffer).setUint16(8, header.length, true);
  out.set(new TextEncoder().encode(header), 10);
  const body = new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
  out.set(body, 10 + header.length);
  return out;
}
