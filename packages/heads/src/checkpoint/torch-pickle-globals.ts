import { DTYPE_BYTES, shapeSize } from './checkpoint-tensor.ts';
import type { CheckpointDType, CheckpointTensor } from './checkpoint-tensor.ts';
import { PickleFormatError } from './pickle-op-reader.ts';
import { PickleDict, PickleGlobal, PickleOpaque, PickleTuple, pickleTypeName } from './pickle-value.ts';
import type { PickleGlobalDef, PickleValue } from './pickle-value.ts';
import { gatherStrided } from './strided-gather.ts';

/** A storage a checkpoint's tensors view: raw little/big-endian bytes of `numel` elements of `dtype`. */
export interface TorchStorage {
  readonly key: string;
  readonly dtype: CheckpointDType;
  readonly numel: number;
  readonly bytes: Uint8Array;
}

/** Where storages come from: the zip entry `data/<key>` of the archive. */
export interface TorchStorageSource {
  /** Raw bytes of storage `key`; throws PickleFormatError when it is missing. */
  readonly load: (key: string) => Uint8Array;
  readonly littleEndian: boolean;
}

const STORAGE_DTYPES: Readonly<Record<string, CheckpointDType>> = {
  FloatStorage: 'float32',
  DoubleStorage: 'float64',
  HalfStorage: 'float16',
  BFloat16Storage: 'bfloat16',
  LongStorage: 'int64',
  IntStorage: 'int32',
  ShortStorage: 'int16',
  CharStorage: 'int8',
  ByteStorage: 'uint8',
  BoolStorage: 'bool',
};

/** torch dtype globals (`torch.float32`, ...) used by `_rebuild_tensor_v3`. */
const TORCH_DTYPES: Readonly<Record<string, CheckpointDType>> = {
  float32: 'float32',
  float: 'float32',
  float64: 'float64',
  double: 'float64',
  float16: 'float16',
  half: 'float16',
  bfloat16: 'bfloat16',
  int64: 'int64',
  long: 'int64',
  int32: 'int32',
  int: 'int32',
  int16: 'int16',
  short: 'int16',
  int8: 'int8',
  uint8: 'uint8',
  bool: 'bool',
};

function int(v: PickleValue | undefined, what: string): number {
  if (typeof v !== 'number' || !Number.isSafeInteger(v))
    throw new PickleFormatError(`${what} must be an integer, got ${pickleTypeName(v ?? null)}`);
  return v;
}

function intTuple(v: PickleValue | undefined, what: string): number[] {
  const items = v instanceof PickleTuple ? v.items : Array.isArray(v) ? v : undefined;
  if (items === undefined)
    throw new PickleFormatError(`${what} must be a tuple of integers, got ${pickleTypeName(v ?? null)}`);
  return items.map((x, i) => int(x, `${what}[${i}]`));
}

function storageOf(v: PickleValue | undefined): TorchStorage {
  if (!(v instanceof PickleOpaque) || v.tag !== 'storage')
    throw new PickleFormatError(`tensor storage expected, got ${pickleTypeName(v ?? null)}`);
  return v.value as TorchStorage;
}

function tensorOf(v: PickleValue | undefined): PickleOpaque<CheckpointTensor> {
  if (!(v instanceof PickleOpaque) || v.tag !== 'tensor')
    throw new PickleFormatError(`tensor expected, got ${pickleTypeName(v ?? null)}`);
  return v as PickleOpaque<CheckpointTensor>;
}

function rebuild(
  storage: TorchStorage,
  dtype: CheckpointDType,
  offset: PickleValue | undefined,
  size: PickleValue | undefined,
  stride: PickleValue | undefined,
  source: TorchStorageSource,
): PickleValue {
  const shape = intTuple(size, 'tensor size');
  const view = { offset: int(offset, 'storage offset'), shape, stride: intTuple(stride, 'tensor stride') };
  let data;
  try {
    const usable = storage.bytes.subarray(0, storage.numel * DTYPE_BYTES[storage.dtype]);
    data = gatherStrided(usable, dtype, view, source.littleEndian);
  } catch (error) {
    throw new PickleFormatError(
      `tensor ${dtype}[${shape.join(',')}] on storage "${storage.key}": ${(error as Error).message}`,
    );
  }
  const tensor: CheckpointTensor = { dtype, shape, data };
  if (data.length !== shapeSize(shape)) throw new PickleFormatError('internal: gathered size mismatch');
  return new PickleOpaque('tensor', tensor);
}

/**
 * The allow-list of globals a torch.save pickle may name, with our own handlers, and the
 * persistent-id loader for `('storage', StorageClass, key, location, numel)`. Storages are
 * loaded once per key, so tensors sharing a storage view the same bytes.
 */
export function torchPickleGlobals(source: TorchStorageSource): {
  globals: ReadonlyMap<string, PickleGlobalDef>;
  persistentLoad: (pid: PickleValue) => PickleValue;
} {
  const globals = new Map<string, PickleGlobalDef>();
  const storageClasses = new Map<PickleGlobalDef, CheckpointDType>();
  for (const [name, dtype] of Object.entries(STORAGE_DTYPES)) {
    const def: PickleGlobalDef = {};
    storageClasses.set(def, dtype);
    globals.set(`torch.${name}`, def);
  }
  const untyped: PickleGlobalDef = {};
  storageClasses.set(untyped, 'uint8');
  globals.set('torch.UntypedStorage', untyped);
  globals.set('torch.storage.UntypedStorage', untyped);
  const dtypeGlobals = new Map<PickleGlobalDef, CheckpointDType>();
  for (const [name, dtype] of Object.entries(TORCH_DTYPES)) {
    const def: PickleGlobalDef = {};
    dtypeGlobals.set(def, dtype);
    globals.set(`torch.${name}`, def);
  }

  globals.set('collections.OrderedDict', {
    call: (args) => {
      const d = new PickleDict();
      if (args.length === 0) return d;
      const pairs = args[0];
      if (args.length > 1 || !Array.isArray(pairs))
        throw new PickleFormatError('OrderedDict() takes at most a list of pairs');
      for (const p of pairs) {
        if (!(p instanceof PickleTuple) || p.items.length !== 2)
          throw new PickleFormatError('OrderedDict item must be a pair');
        const [k, v] = p.items;
        if (typeof k !== 'string' && typeof k !== 'number')
          throw new PickleFormatError('OrderedDict key must be a string or integer');
        d.entries.set(k, v!);
      }
      return d;
    },
  });
  globals.set('torch._utils._rebuild_tensor_v2', {
    call: (args) => {
      if (args.length < 6 || args.length > 7)
        throw new PickleFormatError(`_rebuild_tensor_v2 takes 6 or 7 arguments, got ${args.length}`);
      const storage = storageOf(args[0]);
      return rebuild(storage, storage.dtype, args[1], args[2], args[3], source);
    },
  });
  globals.set('torch._utils._rebuild_tensor_v3', {
    call: (args) => {
      if (args.length < 7 || args.length > 8)
        throw new PickleFormatError(`_rebuild_tensor_v3 takes 7 or 8 arguments, got ${args.length}`);
      const storage = storageOf(args[0]);
      const dt = args[6];
      const dtype = dt instanceof PickleGlobal ? dtypeGlobals.get(dt.def) : undefined;
      if (dtype === undefined)
        throw new PickleFormatError(
          `_rebuild_tensor_v3 dtype must be a torch dtype, got ${pickleTypeName(dt ?? null)}`,
        );
      return rebuild(storage, dtype, args[1], args[2], args[3], source);
    },
  });
  globals.set('torch._utils._rebuild_parameter', {
    call: (args) => {
      if (args.length !== 3) throw new PickleFormatError(`_rebuild_parameter takes 3 arguments, got ${args.length}`);
      return tensorOf(args[0]);
    },
  });
  globals.set('torch._utils._rebuild_parameter_with_state', {
    call: (args) => {
      if (args.length !== 4)
        throw new PickleFormatError(`_rebuild_parameter_with_state takes 4 arguments, got ${args.length}`);
      return tensorOf(args[0]);
    },
  });
  globals.set('_codecs.encode', {
    // protocol 2 pickles Python bytes as _codecs.encode(text, 'latin1')
    call: (args) => {
      const [text, encoding] = args;
      if (typeof text !== 'string' || (encoding !== 'latin1' && encoding !== 'latin-1')) {
        throw new PickleFormatError('_codecs.encode is allowed for (str, "latin1") only');
      }
      return Uint8Array.from(text, (ch) => ch.charCodeAt(0) & 0xff);
    },
  });

  const storages = new Map<string, TorchStorage>();
  const persistentLoad = (pid: PickleValue): PickleValue => {
    if (!(pid instanceof PickleTuple) || pid.items.length !== 5 || pid.items[0] !== 'storage') {
      throw new PickleFormatError(
        `persistent id must be ('storage', class, key, location, numel), got ${pickleTypeName(pid)}`,
      );
    }
    const [, cls, key, , numelV] = pid.items;
    const dtype = cls instanceof PickleGlobal ? storageClasses.get(cls.def) : undefined;
    if (dtype === undefined)
      throw new PickleFormatError(`storage class must be a torch storage type, got ${pickleTypeName(cls ?? null)}`);
    if (typeof key !== 'string') throw new PickleFormatError('storage key must be a string');
    const numel = int(numelV, 'storage numel');
    let storage = storages.get(key);
    if (storage === undefined) {
      const bytes = source.load(key);
      if (bytes.byteLength < numel * DTYPE_BYTES[dtype]) {
        throw new PickleFormatError(
          `storage "${key}" holds ${bytes.byteLength} bytes, fewer than ${numel} ${dtype} elements`,
        );
      }
      storage = { key, dtype, numel, bytes };
      storages.set(key, storage);
    } else if (storage.dtype !== dtype) {
      throw new PickleFormatError(`storage "${key}" is used as ${storage.dtype} and as ${dtype}`);
    }
    return new PickleOpaque('storage', storage);
  };
  return { globals, persistentLoad };
}
