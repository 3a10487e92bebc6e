import { encodeNpy } from '../io/npy.ts';

/** Test shorthand: a float32 or float64 array as `.npy` bytes of the given shape. */
export function writeNpy(data: Float32Array | Float64Array, shape: readonly number[]): Uint8Array {
  return data instanceof Float32Array ? encodeNpy({ dtype: 'float32', shape, data }) : encodeNpy({ dtype: 'float64', shape, data });
}
