import { DTYPE_BYTES, shapeSize } from './checkpoint-tensor.ts';
import type { CheckpointTensor } from './checkpoint-tensor.ts';
import { numberToBFloat16Bits, numberToFloat16Bits } from './half-float.ts';
import { safetensorsDTypeName } from './safetensors-dtype.ts';

function encode(t: CheckpointTensor, out: DataView, at: number): void {
  const n = t.data.length;
  for (let i = 0; i < n; i++) {
    const v = t.data[i]!;
    const o = at + i * DTYPE_BYTES[t.dtype];
    switch (t.dtype) {
      case 'float32':
        out.setFloat32(o, v as number, true);
        break;
      case 'float64':
        out.setFloat64(o, v as number, true);
        break;
      case 'float16':
        out.setUint16(o, numberToFloat16Bits(v as number), true);
        break;
      case 'bfloat16':
        out.setUint16(o, numberToBFloat16Bits(v as number), true);
        break;
      case 'int64':
        out.setBigInt64(o, v as bigint, true);
        break;
      case 'int32':
        out.setInt32(o, v as number, true);
        break;
      case 'int16':
        out.setInt16(o, v as number, true);
        break;
      case 'int8':
        out.setInt8(o, v as number);
        break;
      case 'uint8':
        out.setUint8(o, v as number);
        break;
      case 'bool':
        out.setUint8(o, v === 0 ? 0 : 1);
        break;
    }
  }
}

/**
 * Writes tensors as a `.safetensors` file (header padded to 8 bytes, tensors in the given order).
 * float16/bfloat16 values are rounded to nearest even. Throws RangeError when a tensor's data
 * length does not match its shape.
 */
export function writeSafetensors(
  tensors: ReadonlyMap<string, CheckpointTensor>,
  metadata: ReadonlyMap<string, string> = new Map(),
): Uint8Array {
  const header: Record<string, unknown> = {};
  if (metadata.size > 0) header.__metadata__ = Object.fromEntries(metadata);
  let offset = 0;
  for (const [name, t] of tensors) {
    if (name === '__metadata__') throw new RangeError('tensors: the name "__metadata__" is reserved');
    if (t.data.length !== shapeSize(t.shape))
      throw new RangeError(
        `tensors["${name}"]: data has ${t.data.length} values, shape [${t.shape.join(',')}] needs ${shapeSize(t.shape)}`,
      );
    const size = t.data.length * DTYPE_BYTES[t.dtype];
    header[name] = { dtype: safetensorsDTypeName(t.dtype), shape: [...t.shape], data_offsets: [offset, offset + size] };
    offset += size;
  }
  let json = JSON.stringify(header);
  const enc = new TextEncoder();
  while (enc.encode(json).length % 8 !== 0) json += ' ';
  const head = enc.encode(json);
  const out = new Uint8Array(8 + head.length + offset);
  const view = new DataView(out.buffer);
  view.setBigUint64(0, BigInt(head.length), true);
  out.set(head, 8);
  let at = 8 + head.length;
  for (const t of tensors.values()) {
    encode(t, view, at);
    at += t.data.length * DTYPE_BYTES[t.dtype];
  }
  return out;
}
