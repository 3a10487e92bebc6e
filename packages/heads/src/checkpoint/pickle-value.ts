/** Keys a decoded pickle dict may have (Python's hashable scalars). */
export type PickleKey = string | number | bigint | boolean | null;

/** A Python tuple (immutable; lists are plain arrays). */
export class PickleTuple {
  constructor(readonly items: readonly PickleValue[]) {}
}

/** A Python dict or OrderedDict, in insertion order. */
export class PickleDict {
  readonly entries = new Map<PickleKey, PickleValue>();
}

/** A reference to an allow-listed global (`module.name`); calling it runs our own handler only. */
export class PickleGlobal {
  constructor(
    readonly module: string,
    readonly name: string,
    readonly def: PickleGlobalDef,
  ) {}
  get qualifiedName(): string {
    return `${this.module}.${this.name}`;
  }
}

/** A value one of our global handlers produced (a tensor, a storage reference, ...). */
export class PickleOpaque<T = unknown> {
  constructor(
    readonly tag: string,
    readonly value: T,
  ) {}
}

/** Everything the pickle VM can put on its stack. Bytes are Uint8Array. */
export type PickleValue =
  | null
  | boolean
  | number
  | bigint
  | string
  | Uint8Array
  | PickleValue[]
  | PickleTuple
  | PickleDict
  | PickleGlobal
  | PickleOpaque;

/**
 * What an allow-listed global may do. The VM never calls anything the pickle names: REDUCE and
 * NEWOBJ run `call` of an entry the caller put in the allow-list, or fail.
 */
export interface PickleGlobalDef {
  /** Handles `global(*args)` (REDUCE) and `global.__new__(global, *args)` (NEWOBJ). Absent: not callable. */
  readonly call?: (args: readonly PickleValue[]) => PickleValue;
}

/** Human-readable type of a pickle value for error messages. */
export function pickleTypeName(v: PickleValue): string {
  if (v === null) return 'None';
  if (Array.isArray(v)) return 'list';
  if (v instanceof Uint8Array) return 'bytes';
  if (v instanceof PickleTuple) return 'tuple';
  if (v instanceof PickleDict) return 'dict';
  if (v instanceof PickleGlobal) return `global ${v.qualifiedName}`;
  if (v instanceof PickleOpaque) return v.tag;
  return typeof v;
}
