import { RsdError } from '../errors/rsd-error.ts';

/** A dense array as stored in a `.npy` file (row-major). */
export type NpyArray =
  | { readonly dtype: 'float32'; readonly shape: readonly number[]; readonly data: Float32Array }
  | { readonly dtype: 'float64'; readonly shape: readonly number[]; readonly data: Float64Array }
  | { readonly dtype: 'int32'; readonly shape: readonly number[]; readonly data: Int32Array }
  | { readonly dtype: 'int64'; readonly shape: readonly number[]; readonly data: BigInt64Array }
  | { readonly dtype: 'uint8'; readonly shape: readonly number[]; readonly data: Uint8Array };

const DESCR = { float32: '<f4', float64: '<f8', int32: '<i4', int64: '<i8', uint8: '|u1' } as const;
const BY_DESCR: Record<string, NpyArray['dtype']> = { '<f4': 'float32', '<f8': 'float64', '<i4': 'int32', '<i8': 'int64', '|u1': 'uint8', '<u1': 'uint8' };
const MAGIC = [0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59]; // \x93NUMPY

/** Serialises `array` as NumPy `.npy` version 1.0 (little-endian, C order). */
export function encodeNpy(array: NpyArray): Uint8Array {
  const n = array.shape.reduce((a, b) => a * b, 1);
  if (array.data.length !== n) throw new RangeError(`array.data has ${array.data.length} values for shape [${array.shape.join(', ')}]`);
  const shape = array.shape.length === 1 ? `(${array.shape[0]},)` : `(${array.shape.join(', ')})`;
  let header = `{'descr': '${DESCR[array.dtype]}', 'fortran_order': False, 'shape': ${shape}, }`;
  const unpadded = 10 + header.length + 1;
  header += ' '.repeat((64 - (unpadded % 64)) % 64) + '\n';
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
 * Parses a NumPy `.npy` file (versions 1–3; little-endian float32/float64/int32/int64/uint8,
 * C order). Anything else is an `INVALID_INPUT` error naming `file`.
 */
export function decodeNpy(bytes: Uint8Array, file = 'array.npy'): NpyArray {
  const bad = (why: string) => new RsdError('INVALID_INPUT', `${file}: ${why}`, { subject: file });
  if (bytes.length < 10 || MAGIC.some((m, i) => bytes[i] !== m)) throw bad('not a .npy file (bad magic)');
  const major = bytes[6]!;
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let headerLen: number;
  let start: number;
  if (major === 1) {
    headerLen = view.getUint16(8, true);
    start = 10;
  } else if (major === 2 || major === 3) {
    headerLen = view.getUint32(8, true);
    start = 12;
  } else throw bad(`unsupported .npy version ${major}`);
  const header = new TextDecoder().decode(bytes.subarray(start, start + headerLen));
  const descr = /'descr':\s*'([^']+)'/.exec(header)?.[1];
  const fortran = /'fortran_order':\s*(True|False)/.exec(header)?.[1];
  const shapeText = /'shape':\s*\(([^)]*)\)/.exec(header)?.[1];
  if (descr === undefined || fortran === undefined || shapeText === undefined) throw bad(`unreadable header ${JSON.stringify(header.trim())}`);
  if (fortran === 'True') throw bad('Fortran-order arrays are not supported (save with np.ascontiguousarray)');
  const dtype = BY_DESCR[descr];
  if (dtype === undefined) throw bad(`dtype ${descr} is not supported (float32, float64, int32, int64, uint8, little-endian)`);
  const shape = shapeText
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s !== '')
    .map(Number);
  if (shape.some((d) => !Number.isInteger(d) || d < 0)) throw bad(`bad shape (${shapeText})`);
  const n = shape.reduce((a, b) => a * b, 1);
  const offset = start + headerLen;
  const width = { float32: 4, float64: 8, int32: 4, int64: 8, uint8: 1 }[dtype];
  if (bytes.length - offset !== n * width) throw bad(`holds ${bytes.length - offset} data bytes, shape [${shape.join(', ')}] of ${descr} needs ${n * width}`);
  const raw = bytes.slice(offset).buffer; // copied: aligned for the typed array
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
