import { HeadsError } from '../errors/heads-error.ts';
import type { CheckpointTensor } from './checkpoint-tensor.ts';
import { isCheckpointDict, isCheckpointTensor } from './checkpoint-value.ts';
import type { CheckpointValue } from './checkpoint-value.ts';

/** A state_dict found in a checkpoint, with the values saved next to it. */
export interface FoundStateDict {
  /** Parameter name → tensor, in file order. */
  readonly stateDict: ReadonlyMap<string, CheckpointTensor>;
  /** The key of the root dict holding it; undefined when the root is the state_dict. */
  readonly stateDictKey: string | undefined;
  /** The root's other entries (training checkpoints: epoch, config, ...); empty for a bare state_dict. */
  readonly extras: ReadonlyMap<string, CheckpointValue>;
}

function asTensorDict(v: CheckpointValue | undefined): Map<string, CheckpointTensor> | undefined {
  if (!isCheckpointDict(v) || v.size === 0) return undefined;
  const out = new Map<string, CheckpointTensor>();
  for (const [k, x] of v) {
    if (!isCheckpointTensor(x)) return undefined;
    out.set(k, x);
  }
  return out;
}

/**
 * Finds the state_dict (a non-empty dict of tensors only) in a checkpoint's root object: the root
 * itself, the entry `stateDictKey` when given, else the only entry of the root that is one.
 * None, or several candidates without a key → HeadsError CHECKPOINT_MISMATCH naming the file and
 * the candidate keys (pass `stateDictKey` to choose).
 */
export function findStateDict(
  root: CheckpointValue,
  options: { fileName: string; stateDictKey?: string | undefined },
): FoundStateDict {
  const { fileName, stateDictKey } = options;
  if (stateDictKey !== undefined) {
    if (!isCheckpointDict(root)) {
      throw new HeadsError(
        'CHECKPOINT_MISMATCH',
        `${fileName}: the checkpoint is not a dict, so it has no key "${stateDictKey}"`,
        { subject: stateDictKey },
      );
    }
    const value = root.get(stateDictKey);
    if (value === undefined) {
      throw new HeadsError(
        'CHECKPOINT_MISMATCH',
        `${fileName}: no key "${stateDictKey}" (keys: ${[...root.keys()].join(', ')})`,
        { subject: stateDictKey },
      );
    }
    const sd = asTensorDict(value);
    if (sd === undefined) {
      throw new HeadsError(
        'CHECKPOINT_MISMATCH',
        `${fileName}: "${stateDictKey}" is not a state_dict (a non-empty dict of tensors)`,
        { subject: stateDictKey },
      );
    }
    return { stateDict: sd, stateDictKey, extras: new Map([...root].filter(([k]) => k !== stateDictKey)) };
  }
  const direct = asTensorDict(root);
  if (direct !== undefined) return { stateDict: direct, stateDictKey: undefined, extras: new Map() };
  if (!isCheckpointDict(root)) {
    throw new HeadsError(
      'CHECKPOINT_MISMATCH',
      `${fileName}: the checkpoint holds neither a state_dict nor a dict containing one`,
      { subject: fileName },
    );
  }
  const candidates = [...root].filter(([, v]) => asTensorDict(v) !== undefined).map(([k]) => k);
  if (candidates.length !== 1) {
    const why =
      candidates.length === 0
        ? 'no entry is a state_dict'
        : `several entries are state_dicts (${candidates.join(', ')}); name one with the state_dict key`;
    throw new HeadsError('CHECKPOINT_MISMATCH', `${fileName}: ${why} (keys: ${[...root.keys()].join(', ')})`, {
      subject: fileName,
    });
  }
  return findStateDict(root, { fileName, stateDictKey: candidates[0]! });
}
