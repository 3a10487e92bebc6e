import { RfsqError } from '../errors/rfsq-error.ts';

/**
 * A dense row-major array as stored in a NumPy `.npy` file, typed by its dtype. The one
 * `.npy` codec of the workspace: @rsd/heads (feature datasets) and @rsd/rsd-engine (the
 * predict command) use it too.
 */
export type NpyTypedArray =
  | { readonly dtype: 'float32'; readonly shape: readonly number[]; readonly data: Float32Array }
  | { readonly dtype: 'float64'; readonly shape: readonly number[]; readonly data: Float64Array }
  | { readonly dtype: 'int32'; readonly shape: readonly number[]; readonly data: Int32Array }
  | { readonly dtype: 'int64'; readonly shape: readonly number[]; readonly data: BigInt64Array }
  | { readonly dtype: 'uint8'; readonly shape: readonly number[]; readonly data: Uint8Array };

const DESCR = { float32: '<f4', float64: '<f8', int32: '<i4', int64: '<i8', uint8: '|u1' } as const;
const BY_DESCR: Record<string, NpyTypedArray['dtype']> = {
  '<f4': 'float32',
  '<f8': 'float64',
  '<i4': 'int32',
  '<i8': 'int64',
  '|u1': 'uint8',
  '<u1': 'uint8',
  '|b1': 'uint8',
};
const WIDTH = { float32: 4, float64: 8, int32: 4, int64: 8, uint8: 1 } as const;
const MAGIC = [0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59]; // \x93NUMPY

/** Serialises `array` as `.npy` version 1.0 (little-endian, C order, 64-byte aligned header). */
export function encodeNpy(array: NpyTypedArray): Uint8Array {
  const n = array.shape.reduce((a, b) => a * b, 1);
  if (array.data.length !== n) {
    throw new RangeError(`array.data has ${array.data.length} values for shape [${array.shape.join(', ')}]`);
  }
  const shape = array.shape.length === 1 ? `(${array.shape[0]},)` : `(${array.shape.join(', ')})`;
  let header = `{'descr': '${DESCR[array.dtype]}', 'fortran_order': False, 'shape': ${shape}, }`;
  header += ' '.repeat((64 - ((10 + header.length + 1) % 64)) % 64) + '\n';
  const body = new Uint8Array(array.data.buffer, array.data.byteOffset, array.data.byteLength);
  const out = new Uint8Array(10 + header.length + body.length);
  out.set(MAGIC, 0);
  out[6] = 1;
  out[7] = 0;
  new DataView(out.buffer).setUint16(8, header.length, true);
  out.set(new TextEncoder().encode(header), 10);
  out.set(body, 10 + header.length);
  return out;
}

/**
 * Parses a `.npy` file (format 1–3, C order; little-endian float32, float64, int32, int64,
 * uint8 and bool read as uint8). Anything else is an RfsqError (`INVALID_DATA`) whose message
 * starts with `file` and whose subject names the header field.
 */
export function decodeNpy(bytes: Uint8Array, file = 'array.npy'): NpyTypedArray {
  const fail = (field: string, why: string): never => {
    throw new RfsqError('INVALID_DATA', `${file}: ${why}`, { subject: `${file}#${field}` });
  };
  if (bytes.length < 10 || MAGIC.some((m, i) => bytes[i] !== m)) fail('magic', 'not a .npy file (bad magic)');
  const major = bytes[6]!;
  if (major < 1 || major > 3) fail('version', `unsupported .npy version ${major}`);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const start = major === 1 ? 10 : 12;
  if (bytes.length < start) fail('header', 'truncated header');
  const headerLen = major === 1 ? view.getUint16(8, true) : view.getUint32(8, true);
  if (start + headerLen > bytes.length) fail('header', 'truncated header');
  const header = new TextDecoder(major === 3 ? 'utf-8' : 'latin1').decode(bytes.subarray(start, start + headerLen));
  const descr = /'descr'\s*:\s*'([^']+)'/.exec(header)?.[1] ?? fail('header.descr', `unreadable header ${JSON.stringify(header.trim())}`);
  const fortran = /'fortran_order'\s*:\s*(True|False)/.exec(header)?.[1] ?? fail('header.fortran_order', 'header has no fortran_order');
  const shapeText = /'shape'\s*:\s*\(([^)]*)\)/.exec(header)?.[1] ?? fail('header.shape', 'header has no shape');
  if (fortran === 'True') fail('header.fortran_order', 'Fortran-order arrays are not supported (save with np.ascontiguousarray)');
  const dtype =
    BY_DESCR[descr] ?? fail('header.descr', `dtype ${descr} is not supported (float32, float64, int32, int64, uint8, bool; little-endian)`);
  const shape = shapeText
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s !== '')
    .map(Number);
  if (shape.some((d) => !Number.isInteger(d) || d < 0)) fail('header.shape', `bad shape (${shapeText})`);
  const n = shape.reduce((a, b) => a * b, 1);
  const offset = start + headerLen;
  const need = n * WIDTH[dtype];
  const have = bytes.length - offset;
  if (have < need) fail('data', `truncated data: shape [${shape.join(', ')}] of ${descr} needs ${need} bytes, ${have} present`);
  if (have > need) fail('data', `${have - need} trailing bytes after the data of shape [${shape.join(', ')}]`);
  // A fresh copy: aligned for the typed array, and never a view of a pooled Node Buffer.
  const copy = new Uint8Array(need);
  copy.set(bytes.subarray(offset, offset + need));
  const raw = copy.buffer;
  switch (dtype) {
    case 'float32':
      return { dtype, shape, data: new Float32Array(raw) };
    case 'float64':
      return { dtype, shape, data: new Float64Array(raw) };
    case 'int32':
      return { dtype, shape, data: new Int32Array(raw) };
    case 'int64':
      return { dtype, shape, data: new BigInt64Array(raw) };
    case 'uint8':
      return { dtype, shape, data: new Uint8Array(raw) };
  }
}

/** The values of any `.npy` array as float64 (int64 values beyond 2^53 lose precision). */
export function npyToFloat64(array: NpyTypedArray): Float64Array {
  return array.dtype === 'int64' ? Float64Array.from(array.data, Number) : Float64Array.from(array.data as ArrayLike<number>);
}
