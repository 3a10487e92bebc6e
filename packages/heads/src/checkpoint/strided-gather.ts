import { bfloat16BitsToNumber, float16BitsToNumber } from './half-float.ts';
import { DTYPE_BYTES, allocateTensorData, shapeSize } from './checkpoint-tensor.ts';
import type { CheckpointDType, CheckpointTensorData } from './checkpoint-tensor.ts';

/** Where a tensor's elements sit in a raw storage (all counts in elements, not bytes). */
export interface StridedView {
  readonly offset: number;
  readonly shape: readonly number[];
  readonly stride: readonly number[];
}

/**
 * Index of the last element a view touches, or -1 for an empty view. Throws RangeError when
 * the view is malformed (negative sizes/strides/offset, mismatched ranks).
 */
export function lastElementIndex(view: StridedView): number {
  const { offset, shape, stride } = view;
  if (shape.length !== stride.length)
    throw new RangeError(`view: shape rank ${shape.length} != stride rank ${stride.length}`);
  if (!Number.isSafeInteger(offset) || offset < 0)
    throw new RangeError(`view: storage offset must be >= 0, got ${offset}`);
  let last = offset;
  for (let d = 0; d < shape.length; d++) {
    const n = shape[d]!;
    const s = stride[d]!;
    if (!Number.isSafeInteger(n) || n < 0) throw new RangeError(`view: size[${d}] must be >= 0, got ${n}`);
    if (!Number.isSafeInteger(s) || s < 0) throw new RangeError(`view: stride[${d}] must be >= 0, got ${s}`);
    if (n === 0) return -1;
    last += (n - 1) * s;
  }
  return last;
}

let FLOAT16_TABLE: Float32Array | undefined;

/** float32 value of every float16 bit pattern (256 KiB, built on first use). */
function float16Table(): Float32Array {
  FLOAT16_TABLE ??= Float32Array.from({ length: 0x10000 }, (_, b) => float16BitsToNumber(b));
  return FLOAT16_TABLE;
}

const HOST_LITTLE_ENDIAN = new Uint8Array(Uint16Array.of(1).buffer)[0] === 1;

/** Whether a view is row-major contiguous (dimensions of size 1 may have any stride). */
function isContiguous(view: StridedView): boolean {
  let expected = 1;
  for (let d = view.shape.length - 1; d >= 0; d--) {
    if (view.shape[d]! !== 1 && view.stride[d]! !== expected) return false;
    expected *= view.shape[d]!;
  }
  return true;
}

function elementReader(
  bytes: Uint8Array,
  dtype: CheckpointDType,
  littleEndian: boolean,
): (i: number) => number | bigint {
  const dv = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  switch (dtype) {
    case 'float32':
      return (i) => dv.getFloat32(i * 4, littleEndian);
    case 'float64':
      return (i) => dv.getFloat64(i * 8, littleEndian);
    case 'float16':
      return (i) => float16BitsToNumber(dv.getUint16(i * 2, littleEndian));
    case 'bfloat16':
      return (i) => bfloat16BitsToNumber(dv.getUint16(i * 2, littleEndian));
    case 'int64':
      return (i) => dv.getBigInt64(i * 8, littleEndian);
    case 'int32':
      return (i) => dv.getInt32(i * 4, littleEndian);
    case 'int16':
      return (i) => dv.getInt16(i * 2, littleEndian);
    case 'int8':
      return (i) => dv.getInt8(i);
    case 'uint8':
      return (i) => dv.getUint8(i);
    case 'bool':
      return (i) => (dv.getUint8(i) === 0 ? 0 : 1);
  }
}

/**
 * Copies the elements of a strided view of a raw storage into a new contiguous row-major
 * array, decoding the stored dtype (see `CheckpointTensor` for the decoded types).
 * storage: raw bytes holding at least `lastElementIndex(view) + 1` elements of `dtype`.
 * Throws RangeError when the view reaches outside the storage.
 */
export function gatherStrided(
  storage: Uint8Array,
  dtype: CheckpointDType,
  view: StridedView,
  littleEndian = true,
): CheckpointTensorData {
  const itemBytes = DTYPE_BYTES[dtype];
  const last = lastElementIndex(view);
  const available = Math.floor(storage.byteLength / itemBytes);
  if (last >= available) {
    throw new RangeError(`view reaches element ${last}, but the storage holds ${available} ${dtype} elements`);
  }
  const n = shapeSize(view.shape);
  const out = allocateTensorData(dtype, n);
  if (n === 0) return out;
  if (littleEndian && HOST_LITTLE_ENDIAN && dtype !== 'bool' && isContiguous(view)) {
    // fast paths: the bytes already are the little-endian row-major values
    const start = view.offset * itemBytes;
    const bytes = storage.subarray(start, start + n * itemBytes);
    if (dtype !== 'float16' && dtype !== 'bfloat16') {
      new Uint8Array(out.buffer).set(bytes);
      return out;
    }
    const halves = new Uint16Array(n);
    new Uint8Array(halves.buffer).set(bytes);
    if (dtype === 'bfloat16') {
      const bits = new Uint32Array(out.buffer);
      for (let i = 0; i < n; i++) bits[i] = halves[i]! << 16;
    } else {
      const table = float16Table();
      for (let i = 0; i < n; i++) out[i] = table[halves[i]!]!;
    }
    return out;
  }
  const read = elementReader(storage, dtype, littleEndian);
  const { shape, stride } = view;
  const rank = shape.length;
  const index = new Array<number>(rank).fill(0);
  let src = view.offset;
  const sink = out as { [i: number]: number | bigint };
  for (let k = 0; k < n; k++) {
    sink[k] = read(src);
    // advance the multi-index in row-major order
    for (let d = rank - 1; d >= 0; d--) {
      index[d]!++;
      src += stride[d]!;
      if (index[d]! < shape[d]!) break;
      src -= stride[d]! * shape[d]!;
      index[d] = 0;
    }
  }
  return out;
}
