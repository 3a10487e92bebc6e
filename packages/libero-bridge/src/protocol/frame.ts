/**
 * The frame of the bridge protocol (both directions, stdio and TCP alike):
 *
 * ```
 * uint32 big-endian N | N bytes of UTF-8 JSON header | blob 0 | blob 1 | ...
 * ```
 *
 * The header is a JSON object. Its optional `blobs` field describes the binary payloads that
 * follow it, in order: `{ name, dtype, shape, byteLength }`. Multi-byte dtypes are
 * little-endian and row-major; `byteLength` must equal `product(shape) × itemSize`. Images
 * travel as `uint8 [H, W, 3]` blobs, never as JSON number arrays.
 */

/** Element types a blob may carry, with their sizes in bytes. */
export const BLOB_DTYPES = { uint8: 1, int32: 4, float32: 4, float64: 8 } as const;

export type BlobDtype = keyof typeof BLOB_DTYPES;

/** Description of one binary payload, as it appears in the header's `blobs` list. */
export interface BlobSpec {
  readonly name: string;
  readonly dtype: BlobDtype;
  readonly shape: readonly number[];
  readonly byteLength: number;
}

/** A decoded binary payload: its description and its bytes (an own copy). */
export interface Blob extends BlobSpec {
  readonly data: Uint8Array;
}

/** A blob to encode: `data` holds exactly `product(shape) × itemSize` bytes, little-endian. */
export interface BlobInput {
  readonly name: string;
  readonly dtype: BlobDtype;
  readonly shape: readonly number[];
  readonly data: ArrayBufferView;
}

/** A decoded frame: the JSON header (without `blobs`) and the blobs by name. */
export interface Frame {
  readonly header: Readonly<Record<string, unknown>>;
  readonly blobs: ReadonlyMap<string, Blob>;
}

/** Size of the length prefix. */
export const FRAME_PREFIX_BYTES = 4;

/** Limits a decoder enforces so a corrupt length cannot make it buffer without bound. */
export interface FrameLimits {
  /** Largest accepted JSON header, bytes. */
  readonly maxHeaderBytes: number;
  /** Largest accepted sum of blob sizes in one frame, bytes. */
  readonly maxBlobBytes: number;
  /** Most blobs in one frame. */
  readonly maxBlobs: number;
}

export const DEFAULT_FRAME_LIMITS: FrameLimits = {
  maxHeaderBytes: 1 << 20,
  maxBlobBytes: 256 << 20,
  maxBlobs: 16,
};
