import { HeadsError } from '../errors/heads-error.ts';
import type { CheckpointValue } from './checkpoint-value.ts';
import { toCheckpointValue } from './checkpoint-value.ts';
import { PickleFormatError } from './pickle-op-reader.ts';
import { runPickle } from './pickle-vm.ts';
import { torchPickleGlobals } from './torch-pickle-globals.ts';
import { looksLikeZip, readZipEntries } from './zip-archive.ts';

/** Options of {@link readTorchCheckpoint}. */
export interface ReadCheckpointOptions {
  /** Names the file in errors. */
  readonly fileName: string;
}

/** What a `torch.save` file holds: the unpickled object, tensors rebuilt, nothing executed. */
export interface TorchCheckpoint {
  readonly fileName: string;
  /** The saved object: a state_dict (Map of tensors) or any dict/list of plain values and tensors. */
  readonly root: CheckpointValue;
}

const decoder = new TextDecoder();

function corrupt(fileName: string, detail: string, cause?: unknown): HeadsError {
  return new HeadsError('CHECKPOINT_CORRUPT', `${fileName}: ${detail}`, { subject: fileName, cause });
}

/** Finds `<top>/data.pkl` (the top folder's name is whatever the file was saved as). */
function findPickle(entries: Map<string, Uint8Array>, fileName: string): string {
  const found = [...entries.keys()].filter((n) => n === 'data.pkl' || /^[^/]+\/data\.pkl$/.test(n));
  if (found.length !== 1) {
    throw corrupt(
      fileName,
      found.length === 0
        ? 'not a PyTorch checkpoint (no data.pkl in the archive)'
        : `several data.pkl entries: ${found.join(', ')}`,
    );
  }
  return found[0]!.slice(0, -'data.pkl'.length);
}

/**
 * Reads a PyTorch zip checkpoint (`torch.save`, PyTorch >= 1.6) without executing pickle code.
 * Only the globals needed to rebuild tensors, storages and ordered dicts are allowed; any other
 * global → HeadsError CHECKPOINT_UNSAFE naming it (e.g. "posix.system"), before anything runs.
 * Tensors: fp32/fp64/fp16/bf16/int64/int32/int16/int8/uint8/bool, any offset/stride, shared
 * storages; returned contiguous (see CheckpointTensor). Attributes such as `_metadata` are dropped.
 * Truncated or corrupt → HeadsError CHECKPOINT_CORRUPT naming `fileName`.
 */
export function readTorchCheckpoint(bytes: Uint8Array, options: ReadCheckpointOptions): TorchCheckpoint {
  const { fileName } = options;
  if (!(bytes instanceof Uint8Array)) throw new TypeError('bytes must be a Uint8Array');
  if (typeof fileName !== 'string') throw new TypeError('options.fileName must be a string');
  if (!looksLikeZip(bytes)) {
    throw corrupt(
      fileName,
      'not a zip-format PyTorch checkpoint (legacy torch.save files before PyTorch 1.6 are not supported)',
    );
  }
  const entries = readZipEntries(bytes, fileName);
  const prefix = findPickle(entries, fileName);
  const byteorder = entries.get(`${prefix}byteorder`);
  const order = byteorder === undefined ? 'little' : decoder.decode(byteorder).trim();
  if (order !== 'little' && order !== 'big') throw corrupt(fileName, `unknown byteorder "${order}"`);
  const { globals, persistentLoad } = torchPickleGlobals({
    littleEndian: order === 'little',
    load: (key) => {
      const data = entries.get(`${prefix}data/${key}`);
      if (data === undefined) throw new PickleFormatError(`storage entry ${prefix}data/${key} is missing`);
      return data;
    },
  });
  const source = fileName;
  try {
    const value = runPickle(entries.get(`${prefix}data.pkl`)!, { globals, persistentLoad, source });
    return { fileName, root: toCheckpointValue(value) };
  } catch (error) {
    if (HeadsError.isInstance(error)) throw error;
    const detail = error instanceof Error ? error.message : String(error);
    throw corrupt(fileName, `corrupt checkpoint (${detail})`, error);
  }
}
