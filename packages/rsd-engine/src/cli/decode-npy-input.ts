import { RfsqError, decodeNpy, type NpyTypedArray } from '@rsd/rfsq';
import { RsdError } from '../errors/rsd-error.ts';

/** Decodes a user-supplied `.npy`; a malformed file is an RsdError `INVALID_INPUT` naming it. */
export function decodeNpyInput(bytes: Uint8Array, file: string): NpyTypedArray {
  try {
    return decodeNpy(bytes, file);
  } catch (error) {
    if (RfsqError.isInstance(error)) throw new RsdError('INVALID_INPUT', error.message, { subject: file, cause: error });
    throw error;
  }
}
