import { DTYPE_BYTES, shapeSize } from './checkpoint-tensor.ts';
import type { CheckpointTensor } from './checkpoint-tensor.ts';
import { safetensorsDTypeName } from './safetensors-dtype.ts';
import { encodeTensorBytes } from './tensor-bytes.ts';

/**
 * Writes tensors as a `.safetensors` file (header padded to 8 bytes, tensors in the given order).
 * float16/bfloat16 values are rounded to nearest even. Throws RangeError when a tensor's data
 * length does not match its shape.
 */
export function writeSafetensors(
  tensors: ReadonlyMap<string, CheckpointTensor>,
  metadata: ReadonlyMap<string, string> = new Map(),
): Uint8Array {
  // null prototype: a tensor named "__proto__" must become a key, not the prototype
  const header = Object.create(null) as Record<string, unknown>;
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
  new DataView(out.buffer).setBigUint64(0, BigInt(head.length), true);
  out.set(head, 8);
  let at = 8 + head.length;
  for (const t of tensors.values()) {
    out.set(encodeTensorBytes(t), at);
    at += t.data.length * DTYPE_BYTES[t.dtype];
  }
  return out;
}
