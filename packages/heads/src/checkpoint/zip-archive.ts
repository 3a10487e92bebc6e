import { unzipSync } from 'fflate';
import { HeadsError } from '../errors/heads-error.ts';

/**
 * Reads every entry of a zip archive (stored or deflated) into memory.
 * Any malformed or truncated archive → HeadsError CHECKPOINT_CORRUPT naming `fileName`.
 */
export function readZipEntries(bytes: Uint8Array, fileName: string): Map<string, Uint8Array> {
  let files: Record<string, Uint8Array>;
  try {
    files = unzipSync(bytes);
  } catch (error) {
    const detail = error instanceof Error ? error.message : String(error);
    throw new HeadsError('CHECKPOINT_CORRUPT', `${fileName}: corrupt or truncated zip archive (${detail})`, {
      subject: fileName,
      cause: error,
    });
  }
  return new Map(Object.entries(files));
}

/** Whether the bytes start like a zip archive (local file header `PK\x03\x04`). */
export function looksLikeZip(bytes: Uint8Array): boolean {
  return bytes.length >= 4 && bytes[0] === 0x50 && bytes[1] === 0x4b && bytes[2] === 0x03 && bytes[3] === 0x04;
}
