import { BridgeError } from '../errors/bridge-error.ts';
import { BLOB_DTYPES, FRAME_PREFIX_BYTES, type BlobInput, type BlobSpec } from './frame.ts';

const encoder = new TextEncoder();

/**
 * Encodes one frame: the header as JSON (its `blobs` field is written from `blobs`) followed by
 * the blobs' bytes. A blob whose byte length does not match its shape and dtype, a non-finite
 * number in the header (JSON cannot carry it) or a header that is not a plain object is a
 * PROTOCOL_ERROR naming the field.
 */
export function encodeFrame(header: Readonly<Record<string, unknown>>, blobs: readonly BlobInput[] = []): Uint8Array {
  if (header === null || typeof header !== 'object' || Array.isArray(header)) {
    throw new TypeError('header must be a plain object');
  }
  if ('blobs' in header) {
    throw new BridgeError('PROTOCOL_ERROR', 'header field "blobs" is reserved for the blob table', {
      subject: 'header.blobs',
    });
  }
  const specs: BlobSpec[] = [];
  const names = new Set<string>();
  let total = 0;
  for (const [i, blob] of blobs.entries()) {
    const itemSize = BLOB_DTYPES[blob.dtype];
    if (itemSize === undefined) {
      throw new BridgeError('PROTOCOL_ERROR', `blob ${i} has unknown dtype ${String(blob.dtype)}`, {
        subject: `blobs[${i}].dtype`,
      });
    }
    if (typeof blob.name !== 'string' || blob.name.length === 0 || names.has(blob.name)) {
      throw new BridgeError('PROTOCOL_ERROR', `blob ${i} needs a unique non-empty name`, {
        subject: `blobs[${i}].name`,
      });
    }
    names.add(blob.name);
    const count = blob.shape.reduce((a, d) => a * d, 1);
    if (!blob.shape.every((d) => Number.isSafeInteger(d) && d >= 0) || count * itemSize !== blob.data.byteLength) {
      throw new BridgeError(
        'PROTOCOL_ERROR',
        `blob "${blob.name}" has ${blob.data.byteLength} bytes, shape [${blob.shape.join(', ')}] ${blob.dtype} needs ${count * itemSize}`,
        { subject: `blobs[${i}]` },
      );
    }
    specs.push({ name: blob.name, dtype: blob.dtype, shape: [...blob.shape], byteLength: blob.data.byteLength });
    total += blob.data.byteLength;
  }
  const json = JSON.stringify(specs.length > 0 ? { ...header, blobs: specs } : header, (key, value: unknown) => {
    if (typeof value === 'number' && !Number.isFinite(value)) {
      throw new BridgeError('PROTOCOL_ERROR', `header field "${key}" is ${value}, which JSON cannot carry`, {
        subject: `header.${key}`,
      });
    }
    return value;
  });
  const headerBytes = encoder.encode(json);
  const out = new Uint8Array(FRAME_PREFIX_BYTES + headerBytes.length + total);
  new DataView(out.buffer).setUint32(0, headerBytes.length, false);
  out.set(headerBytes, FRAME_PREFIX_BYTES);
  let offset = FRAME_PREFIX_BYTES + headerBytes.length;
  for (const blob of blobs) {
    out.set(new Uint8Array(blob.data.buffer, blob.data.byteOffset, blob.data.byteLength), offset);
    offset += blob.data.byteLength;
  }
  return out;
}
