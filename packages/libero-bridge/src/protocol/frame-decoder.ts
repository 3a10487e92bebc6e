import { BridgeError } from '../errors/bridge-error.ts';
import {
  BLOB_DTYPES,
  DEFAULT_FRAME_LIMITS,
  FRAME_PREFIX_BYTES,
  type Blob,
  type BlobDtype,
  type BlobSpec,
  type Frame,
  type FrameLimits,
} from './frame.ts';

const utf8 = new TextDecoder('utf-8', { fatal: true });

function corrupt(message: string, subject: string): BridgeError {
  return new BridgeError('PROTOCOL_ERROR', `corrupt frame: ${message}`, { subject });
}

function parseBlobTable(raw: unknown, limits: FrameLimits): BlobSpec[] {
  if (raw === undefined) return [];
  if (!Array.isArray(raw)) throw corrupt('"blobs" is not a list', 'header.blobs');
  if (raw.length > limits.maxBlobs) {
    throw corrupt(`${raw.length} blobs, at most ${limits.maxBlobs} allowed`, 'header.blobs');
  }
  const names = new Set<string>();
  let total = 0;
  return raw.map((entry: unknown, i) => {
    const subject = `header.blobs[${i}]`;
    if (entry === null || typeof entry !== 'object' || Array.isArray(entry))
      throw corrupt('blob entry is not an object', subject);
    const { name, dtype, shape, byteLength } = entry as Record<string, unknown>;
    if (typeof name !== 'string' || name.length === 0 || names.has(name)) {
      throw corrupt('blob name missing or repeated', `${subject}.name`);
    }
    names.add(name);
    if (typeof dtype !== 'string' || !Object.hasOwn(BLOB_DTYPES, dtype)) {
      throw corrupt(`blob "${name}" has unknown dtype ${JSON.stringify(dtype)}`, `${subject}.dtype`);
    }
    if (!Array.isArray(shape) || shape.length > 8 || !shape.every((d) => Number.isSafeInteger(d) && d >= 0)) {
      throw corrupt(`blob "${name}" has an invalid shape`, `${subject}.shape`);
    }
    let count = 1;
    for (const d of shape as number[]) {
      count *= d;
      if (count > limits.maxBlobBytes) throw corrupt(`blob "${name}" is larger than the limit`, `${subject}.shape`);
    }
    const expected = count * BLOB_DTYPES[dtype as BlobDtype];
    if (byteLength !== expected) {
      throw corrupt(
        `blob "${name}" declares ${String(byteLength)} bytes, its shape needs ${expected}`,
        `${subject}.byteLength`,
      );
    }
    total += expected;
    if (total > limits.maxBlobBytes) throw corrupt(`blobs exceed ${limits.maxBlobBytes} bytes`, 'header.blobs');
    return { name, dtype: dtype as BlobDtype, shape: [...(shape as number[])], byteLength: expected };
  });
}

/**
 * Decodes the frame at the start of `bytes`. Returns `undefined` when more bytes are needed,
 * the frame and the number of bytes it used otherwise. Corrupt input (an oversized or empty
 * header, invalid UTF-8 or JSON, a header that is not an object, an invalid blob table) throws a
 * BridgeError PROTOCOL_ERROR; nothing else is ever thrown.
 */
export function decodeFrame(
  bytes: Uint8Array,
  limits: FrameLimits = DEFAULT_FRAME_LIMITS,
): { frame: Frame; byteLength: number } | undefined {
  const out = scanFrame(bytes, limits);
  return 'need' in out ? undefined : out;
}

/** decodeFrame, but an incomplete frame reports how many bytes it needs at least. */
function scanFrame(bytes: Uint8Array, limits: FrameLimits): { frame: Frame; byteLength: number } | { need: number } {
  if (bytes.length < FRAME_PREFIX_BYTES) return { need: FRAME_PREFIX_BYTES };
  const headerLength = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength).getUint32(0, false);
  if (headerLength === 0) throw corrupt('empty header', 'header');
  if (headerLength > limits.maxHeaderBytes) {
    throw corrupt(`header of ${headerLength} bytes exceeds ${limits.maxHeaderBytes}`, 'header');
  }
  const headerEnd = FRAME_PREFIX_BYTES + headerLength;
  if (bytes.length < headerEnd) return { need: headerEnd };
  let parsed: unknown;
  try {
    parsed = JSON.parse(utf8.decode(bytes.subarray(FRAME_PREFIX_BYTES, headerEnd)));
  } catch (cause) {
    throw new BridgeError('PROTOCOL_ERROR', `corrupt frame: header is not UTF-8 JSON (${String(cause)})`, {
      subject: 'header',
      cause,
    });
  }
  if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) {
    throw corrupt('header is not a JSON object', 'header');
  }
  const { blobs: table, ...header } = parsed as Record<string, unknown>;
  const specs = parseBlobTable(table, limits);
  const end = specs.reduce((offset, s) => offset + s.byteLength, headerEnd);
  if (bytes.length < end) return { need: end };
  const blobs = new Map<string, Blob>();
  let offset = headerEnd;
  for (const spec of specs) {
    blobs.set(spec.name, { ...spec, data: bytes.slice(offset, offset + spec.byteLength) });
    offset += spec.byteLength;
  }
  return { frame: { header, blobs }, byteLength: end };
}

/**
 * Incremental decoder for a byte stream (a child's stdout, a socket). `push` returns every frame
 * completed by the new bytes. After a corrupt frame the stream cannot be resynchronised: the
 * decoder stays failed and every later `push` throws the same PROTOCOL_ERROR.
 */
export class FrameDecoder {
  /** Bytes not yet decoded: `head` plus the chunks queued behind it. */
  private head: Uint8Array = new Uint8Array(0);
  private queued: Uint8Array[] = [];
  private queuedBytes = 0;
  /** Fewest bytes the next frame needs; chunks are only joined once that many arrived. */
  private need = FRAME_PREFIX_BYTES;
  private failure: BridgeError | undefined;

  constructor(private readonly limits: FrameLimits = DEFAULT_FRAME_LIMITS) {}

  /** Bytes received but not yet part of a complete frame. */
  get pendingBytes(): number {
    return this.head.length + this.queuedBytes;
  }

  push(chunk: Uint8Array): Frame[] {
    if (this.failure !== undefined) throw this.failure;
    if (chunk.length > 0) {
      this.queued.push(chunk.slice());
      this.queuedBytes += chunk.length;
    }
    if (this.pendingBytes < this.need) return [];
    const joined = new Uint8Array(this.pendingBytes);
    joined.set(this.head, 0);
    let offset = this.head.length;
    for (const q of this.queued) {
      joined.set(q, offset);
      offset += q.length;
    }
    this.head = joined;
    this.queued = [];
    this.queuedBytes = 0;
    const frames: Frame[] = [];
    try {
      for (;;) {
        const next = scanFrame(this.head, this.limits);
        if ('need' in next) {
          this.need = next.need;
          break;
        }
        frames.push(next.frame);
        this.head = this.head.subarray(next.byteLength);
      }
    } catch (error) {
      this.failure = BridgeError.isInstance(error)
        ? error
        : new BridgeError('PROTOCOL_ERROR', `corrupt frame: ${String(error)}`, { cause: error });
      throw this.failure;
    }
    return frames;
  }
}
