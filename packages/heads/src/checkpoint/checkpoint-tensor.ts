/** Element types a checkpoint tensor can be stored in (PyTorch / safetensors names). */
export type CheckpointDType =
  'float32' | 'float64' | 'float16' | 'bfloat16' | 'int64' | 'int32' | 'int16' | 'int8' | 'uint8' | 'bool';

/** The typed array holding a tensor's values, by stored dtype (see {@link CheckpointTensor}). */
export type CheckpointTensorData =
  Float32Array | Float64Array | BigInt64Array | Int32Array | Int16Array | Int8Array | Uint8Array;

/**
 * A tensor read from a checkpoint: contiguous, row-major values of `shape`.
 *
 * `dtype` is the stored element type; `data` holds the values, decoded exactly:
 * - float32 → Float32Array; float64 → Float64Array;
 * - float16 and bfloat16 → Float32Array (both are subsets of float32, so decoding is exact);
 * - int64 → BigInt64Array; int32 → Int32Array; int16 → Int16Array; int8 → Int8Array;
 * - uint8 → Uint8Array; bool → Uint8Array of 0/1.
 *
 * `shape` is `[]` for a 0-d scalar (then `data.length === 1`); `data.length` is always the
 * product of `shape`.
 */
export interface CheckpointTensor {
  readonly dtype: CheckpointDType;
  readonly shape: readonly number[];
  readonly data: CheckpointTensorData;
}

/** Bytes per stored element of each dtype. */
export const DTYPE_BYTES: Readonly<Record<CheckpointDType, number>> = {
  float32: 4,
  float64: 8,
  float16: 2,
  bfloat16: 2,
  int64: 8,
  int32: 4,
  int16: 2,
  int8: 1,
  uint8: 1,
  bool: 1,
};

/** Number of elements of a shape (1 for a 0-d scalar). */
export function shapeSize(shape: readonly number[]): number {
  let n = 1;
  for (const d of shape) n *= d;
  return n;
}

/** A new zero-filled array of the decoded type for `dtype` (see {@link CheckpointTensor}). */
export function allocateTensorData(dtype: CheckpointDType, length: number): CheckpointTensorData {
  switch (dtype) {
    case 'float32':
    case 'float16':
    case 'bfloat16':
      return new Float32Array(length);
    case 'float64':
      return new Float64Array(length);
    case 'int64':
      return new BigInt64Array(length);
    case 'int32':
      return new Int32Array(length);
    case 'int16':
      return new Int16Array(length);
    case 'int8':
      return new Int8Array(length);
    case 'uint8':
    case 'bool':
      return new Uint8Array(length);
  }
}

/** Whether values of this dtype are floating point (decoded into a float array). */
export function isFloatDType(dtype: CheckpointDType): boolean {
  return dtype === 'float32' || dtype === 'float64' || dtype === 'float16' || dtype === 'bfloat16';
}

/** Describes a tensor for error messages: `float32[8,12]`. */
export function describeTensor(t: Pick<CheckpointTensor, 'dtype' | 'shape'>): string {
  return `${t.dtype}[${t.shape.join(',')}]`;
}
