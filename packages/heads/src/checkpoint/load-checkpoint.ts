import { readFile } from 'node:fs/promises';
import { HeadsError } from '../errors/heads-error.ts';
import type { CheckpointTensor } from './checkpoint-tensor.ts';
import type { CheckpointValue } from './checkpoint-value.ts';
import { readSafetensors } from './safetensors-reader.ts';
import { findStateDict } from './state-dict.ts';
import { readTorchCheckpoint } from './torch-checkpoint-reader.ts';
import { looksLikeZip } from './zip-archive.ts';

/** A checkpoint file's state_dict and what was saved beside it. */
export interface LoadedCheckpoint {
  /** Picked from the content, never from the file extension. */
  readonly format: 'pytorch' | 'safetensors';
  readonly fileName: string;
  /** Parameter name → tensor, in file order. */
  readonly stateDict: ReadonlyMap<string, CheckpointTensor>;
  /** The dict key the state_dict was under (PyTorch); undefined when the file is the state_dict. */
  readonly stateDictKey: string | undefined;
  /** PyTorch: the other root entries (epoch, config, ...). safetensors: `__metadata__` strings. */
  readonly extras: ReadonlyMap<string, CheckpointValue>;
}

/** Options of {@link parseCheckpoint} and {@link loadCheckpoint}. */
export interface LoadCheckpointOptions {
  /** PyTorch: the root dict's key holding the state_dict (default: the root, or its only state_dict entry). */
  readonly stateDictKey?: string | undefined;
}

/** Whether bytes start like a safetensors file: a plausible header length, then `{`. */
function looksLikeSafetensors(bytes: Uint8Array): boolean {
  if (bytes.length < 9) return false;
  const n = new DataView(bytes.buffer, bytes.byteOffset, 8).getBigUint64(0, true);
  return n > 0n && n <= BigInt(bytes.length - 8) && bytes[8] === 0x7b;
}

/**
 * Reads a checkpoint from memory, picking the format by content: zip → PyTorch
 * (`readTorchCheckpoint`), else safetensors (`readSafetensors`). Unknown content →
 * HeadsError CHECKPOINT_CORRUPT naming the file.
 */
export function parseCheckpoint(
  bytes: Uint8Array,
  fileName: string,
  options: LoadCheckpointOptions = {},
): LoadedCheckpoint {
  if (looksLikeZip(bytes)) {
    const { root } = readTorchCheckpoint(bytes, { fileName });
    const found = findStateDict(root, { fileName, stateDictKey: options.stateDictKey });
    return { format: 'pytorch', fileName, ...found };
  }
  if (looksLikeSafetensors(bytes)) {
    if (options.stateDictKey !== undefined) {
      throw new HeadsError(
        'CHECKPOINT_MISMATCH',
        `${fileName}: safetensors files have no state_dict key (got "${options.stateDictKey}")`,
        {
          subject: options.stateDictKey,
        },
      );
    }
    const file = readSafetensors(bytes, { fileName });
    return { format: 'safetensors', fileName, stateDict: file.tensors, stateDictKey: undefined, extras: file.metadata };
  }
  throw new HeadsError('CHECKPOINT_CORRUPT', `${fileName}: neither a PyTorch zip checkpoint nor a safetensors file`, {
    subject: fileName,
  });
}

/** Reads a `.pt` / `.safetensors` file from disk (see {@link parseCheckpoint}); unreadable → IO_ERROR naming the path. */
export async function loadCheckpoint(path: string, options: LoadCheckpointOptions = {}): Promise<LoadedCheckpoint> {
  if (typeof path !== 'string' || path === '') throw new TypeError('path must be a non-empty string');
  let bytes: Uint8Array;
  try {
    bytes = await readFile(path);
  } catch (error) {
    throw new HeadsError('IO_ERROR', `cannot read checkpoint ${path}: ${(error as Error).message}`, {
      subject: path,
      cause: error,
    });
  }
  return parseCheckpoint(bytes, path, options);
}
