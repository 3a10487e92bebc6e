import { RfsqError, decodeNpy, encodeNpy } from '@rsd/rfsq';
import { HeadsError } from '../errors/heads-error.ts';

/** A feature-dataset array: float32 for float dtypes, int32 for integer dtypes. */
export interface NpyArray {
  readonly shape: readonly number[];
  readonly data: Float32Array | Int32Array;
  /** The stored numpy dtype, e.g. `<f4`, `<i8`. */
  readonly descr: string;
}

const DESCR = { float32: '<f4', float64: '<f8', int32: '<i4', int64: '<i8', uint8: '|u1' } as const;

/**
 * Reads a `.npy` with @rsd/rfsq's codec (float32/float64 → float32, int32/int64/uint8/bool →
 * int32). A malformed file, or an int64 value outside int32, is a HeadsError naming the file.
 */
export function readNpy(bytes: Uint8Array, fileName: string): NpyArray {
  let a: ReturnType<typeof decodeNpy>;
  try {
    a = decodeNpy(bytes, fileName);
  } catch (error) {
    if (RfsqError.isInstance(error)) throw new HeadsError('INVALID_SHAPE', error.message, { subject: fileName, cause: error });
    throw error;
  }
  const descr = DESCR[a.dtype];
  switch (a.dtype) {
    case 'float32':
      return { shape: a.shape, data: a.data, descr };
    case 'float64':
      return { shape: a.shape, data: Float32Array.from(a.data), descr };
    case 'int32':
      return { shape: a.shape, data: a.data, descr };
    case 'uint8':
      return { shape: a.shape, data: Int32Array.from(a.data), descr };
    case 'int64': {
      const out = new Int32Array(a.data.length);
      a.data.forEach((v, i) => {
        if (v > 2147483647n || v < -2147483648n) {
          throw new HeadsError('INVALID_SHAPE', `${fileName}: value ${v} at flat index ${i} does not fit int32`, { subject: fileName });
        }
        out[i] = Number(v);
      });
      return { shape: a.shape, data: out, descr };
    }
  }
}

/** Writes float32 (`<f4`) or int32 (`<i4`) data as a `.npy` (format 1.0). */
export function writeNpy(data: Float32Array | Int32Array, shape: readonly number[]): Uint8Array {
  return data instanceof Float32Array ? encodeNpy({ dtype: 'float32', shape, data }) : encodeNpy({ dtype: 'int32', shape, data });
}
