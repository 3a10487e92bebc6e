import type { CheckpointTensor } from './checkpoint-tensor.ts';
import { PickleFormatError } from './pickle-op-reader.ts';
import { PickleDict, PickleOpaque, PickleTuple, pickleTypeName } from './pickle-value.ts';
import type { PickleValue } from './pickle-value.ts';

/**
 * A value decoded from a checkpoint: Python None/bool/int/float/str/bytes, tensors, lists and
 * tuples (arrays) and dicts (Maps with string keys; integer keys become their decimal string).
 * Integers outside the safe range are bigint.
 */
export type CheckpointValue =
  | null
  | boolean
  | number
  | bigint
  | string
  | Uint8Array
  | CheckpointTensor
  | readonly CheckpointValue[]
  | ReadonlyMap<string, CheckpointValue>;

/** Whether a checkpoint value is a tensor. */
export function isCheckpointTensor(v: CheckpointValue | undefined): v is CheckpointTensor {
  return typeof v === 'object' && v !== null && !Array.isArray(v) && !(v instanceof Map) && !(v instanceof Uint8Array);
}

/** Whether a checkpoint value is a dict. */
export function isCheckpointDict(v: CheckpointValue | undefined): v is ReadonlyMap<string, CheckpointValue> {
  return v instanceof Map;
}

/**
 * Converts a checkpoint value to JSON-like data (dicts → objects, tensors → `{dtype, shape}`
 * summaries, bigint → string) for printing and for reading configs stored in checkpoints.
 */
export function checkpointValueToJson(v: CheckpointValue): unknown {
  if (v === null || typeof v === 'boolean' || typeof v === 'number' || typeof v === 'string') return v;
  if (typeof v === 'bigint') return v.toString();
  if (v instanceof Uint8Array) return Array.from(v);
  if (Array.isArray(v)) return v.map((x: CheckpointValue) => checkpointValueToJson(x));
  if (v instanceof Map) {
    const out: Record<string, unknown> = {};
    for (const [k, x] of v)
      Object.defineProperty(out, k, {
        value: checkpointValueToJson(x),
        enumerable: true,
        writable: true,
        configurable: true,
      });
    return out;
  }
  const t = v as CheckpointTensor;
  return { dtype: t.dtype, shape: [...t.shape] };
}

/**
 * Turns the VM's result into checkpoint values. Throws PickleFormatError for values a checkpoint
 * cannot hold (a global left uncalled, a storage outside a tensor, a reference cycle).
 */
export function toCheckpointValue(v: PickleValue, path = '<root>', active = new Set<object>()): CheckpointValue {
  if (v === null || typeof v !== 'object' || v instanceof Uint8Array) return v;
  if (v instanceof PickleOpaque) {
    if (v.tag === 'tensor') return v.value as CheckpointTensor;
    throw new PickleFormatError(`${path}: a bare ${v.tag} is not a checkpoint value`);
  }
  if (active.has(v)) throw new PickleFormatError(`${path}: reference cycle`);
  active.add(v);
  let out: CheckpointValue;
  if (Array.isArray(v) || v instanceof PickleTuple) {
    const items = Array.isArray(v) ? v : v.items;
    out = items.map((x, i) => toCheckpointValue(x, `${path}[${i}]`, active));
  } else if (v instanceof PickleDict) {
    const m = new Map<string, CheckpointValue>();
    for (const [k, x] of v.entries) {
      const key = String(k);
      m.set(key, toCheckpointValue(x, `${path}.${key}`, active));
    }
    out = m;
  } else {
    throw new PickleFormatError(`${path}: ${pickleTypeName(v)} is not a checkpoint value`);
  }
  active.delete(v);
  return out;
}
