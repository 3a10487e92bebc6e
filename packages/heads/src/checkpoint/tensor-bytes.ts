import { DTYPE_BYTES } from './checkpoint-tensor.ts';
import type { CheckpointTensor } from './checkpoint-tensor.ts';
import { numberToBFloat16Bits, numberToFloat16Bits } from './half-float.ts';

/**
 * A tensor's values as raw little-endian bytes of its dtype (row-major), as PyTorch storages and
 * safetensors hold them. float16/bfloat16 are rounded to nearest even; bool is 0/1.
 */
export function encodeTensorBytes(t: CheckpointTensor): Uint8Array {
  const size = DTYPE_BYTES[t.dtype];
  const out = new Uint8Array(t.data.length * size);
  const view = new DataView(out.buffer);
  for (let i = 0; i < t.data.length; i++) {
    const v = t.data[i]!;
    const o = i * size;
    switch (t.dtype) {
      case 'float32':
        view.setFloat32(o, v as number, true);
        break;
      case 'float64':
        view.setFloat64(o, v as number, true);
        break;
      case 'float16':
        view.setUint16(o, numberToFloat16Bits(v as number), true);
        break;
      case 'bfloat16':
        view.setUint16(o, numberToBFloat16Bits(v as number), true);
        break;
      case 'int64':
        view.setBigInt64(o, v as bigint, true);
        break;
      case 'int32':
        view.setInt32(o, v as number, true);
        break;
      case 'int16':
        view.setInt16(o, v as number, true);
        break;
      case 'int8':
        view.setInt8(o, v as number);
        break;
      case 'uint8':
        view.setUint8(o, v as number);
        break;
      case 'bool':
        view.setUint8(o, v === 0 ? 0 : 1);
        break;
    }
  }
  return out;
}
