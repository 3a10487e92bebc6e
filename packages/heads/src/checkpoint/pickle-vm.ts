import { HeadsError } from '../errors/heads-error.ts';
import { scanPickleGlobals } from './pickle-global-scan.ts';
import { OP, PickleFormatError, readPickleOp } from './pickle-op-reader.ts';
import { PickleDict, PickleGlobal, PickleTuple, pickleTypeName } from './pickle-value.ts';
import type { PickleGlobalDef, PickleKey, PickleValue } from './pickle-value.ts';

/** How to run one pickle stream. */
export interface PickleRunOptions {
  /** The only globals the stream may name, keyed `module.name` (e.g. `collections.OrderedDict`). */
  readonly globals: ReadonlyMap<string, PickleGlobalDef>;
  /** Resolves BINPERSID ids (torch: storages). Absent: persistent ids are refused. */
  readonly persistentLoad?: (pid: PickleValue) => PickleValue;
  /** Names the stream in errors (e.g. `model.pt/archive/data.pkl`). */
  readonly source: string;
}

function unsafe(name: string, source: string): HeadsError {
  return new HeadsError(
    'CHECKPOINT_UNSAFE',
    `${source}: pickle global "${name}" is not allowed (only tensors, storages and ordered dicts can be rebuilt); nothing was executed`,
    { subject: name },
  );
}

function asKey(v: PickleValue): PickleKey {
  if (v === null || typeof v === 'string' || typeof v === 'number' || typeof v === 'bigint' || typeof v === 'boolean')
    return v;
  throw new PickleFormatError(`unsupported dict key of type ${pickleTypeName(v)}`);
}

/**
 * Runs a pickle stream (protocols 2-5 as torch.save writes them) on a small stack machine that
 * builds plain values only. Before executing a single instruction it scans the whole stream and
 * refuses any `GLOBAL` that is not in `options.globals` (HeadsError CHECKPOINT_UNSAFE naming it);
 * `STACK_GLOBAL` names are checked when met, before anything can call them. Malformed streams
 * throw HeadsError CHECKPOINT_CORRUPT naming `options.source`.
 */
export function runPickle(bytes: Uint8Array, options: PickleRunOptions): PickleValue {
  const { source, globals } = options;
  let names: string[];
  try {
    names = scanPickleGlobals(bytes);
  } catch (error) {
    throw corrupt(source, error);
  }
  for (const name of names) if (!globals.has(name)) throw unsafe(name, source);
  try {
    return execute(bytes, options);
  } catch (error) {
    if (HeadsError.isInstance(error)) throw error;
    throw corrupt(source, error);
  }
}

function corrupt(source: string, error: unknown): HeadsError {
  const detail = error instanceof Error ? error.message : String(error);
  return new HeadsError('CHECKPOINT_CORRUPT', `${source}: corrupt or truncated pickle (${detail})`, {
    subject: source,
    cause: error,
  });
}

function lookupGlobal(module: string, name: string, options: PickleRunOptions): PickleGlobal {
  const qualified = `${module}.${name}`;
  const def = options.globals.get(qualified);
  if (def === undefined) throw unsafe(qualified, options.source);
  return new PickleGlobal(module, name, def);
}

function callGlobal(fn: PickleValue, args: PickleValue, opName: string): PickleValue {
  if (!(fn instanceof PickleGlobal))
    throw new PickleFormatError(`${opName} on ${pickleTypeName(fn)}, not an allowed global`);
  if (!(args instanceof PickleTuple))
    throw new PickleFormatError(`${opName} arguments must be a tuple, got ${pickleTypeName(args)}`);
  if (fn.def.call === undefined) throw new PickleFormatError(`global ${fn.qualifiedName} cannot be called`);
  return fn.def.call(args.items);
}

function execute(bytes: Uint8Array, options: PickleRunOptions): PickleValue {
  const stack: PickleValue[] = [];
  const marks: number[] = [];
  const memo = new Map<number, PickleValue>();
  // Like Python's unpickler, values below the innermost MARK are out of reach until it is popped.
  const top = (): PickleValue => {
    if (stack.length <= (marks.at(-1) ?? 0)) throw new PickleFormatError('stack underflow');
    return stack[stack.length - 1]!;
  };
  const pop = (): PickleValue => {
    const v = top();
    stack.pop();
    return v;
  };
  const popMark = (): PickleValue[] => {
    const m = marks.pop();
    if (m === undefined) throw new PickleFormatError('MARK expected');
    return stack.splice(m);
  };
  const setItems = (dict: PickleValue, items: PickleValue[]): void => {
    if (!(dict instanceof PickleDict)) throw new PickleFormatError(`SETITEM on ${pickleTypeName(dict)}`);
    if (items.length % 2 !== 0) throw new PickleFormatError('SETITEMS with an odd number of items');
    for (let i = 0; i < items.length; i += 2) dict.entries.set(asKey(items[i]!), items[i + 1]!);
  };
  const append = (list: PickleValue, items: PickleValue[]): void => {
    if (!Array.isArray(list)) throw new PickleFormatError(`APPEND on ${pickleTypeName(list)}`);
    for (const item of items) list.push(item); // no spread: lists may be longer than the call-argument limit
  };

  let pos = 0;
  for (;;) {
    const op = readPickleOp(bytes, pos);
    pos = op.end;
    const arg = op.arg;
    switch (op.code) {
      case OP.PROTO:
      case OP.FRAME:
        break;
      case OP.STOP: {
        const result = pop();
        if (stack.length !== 0 || marks.length !== 0) throw new PickleFormatError('values left on the stack at STOP');
        return result;
      }
      case OP.MARK:
        marks.push(stack.length);
        break;
      case OP.POP:
        pop();
        break;
      case OP.POP_MARK:
        popMark();
        break;
      case OP.DUP:
        stack.push(top());
        break;
      case OP.NONE:
        stack.push(null);
        break;
      case OP.NEWTRUE:
      case OP.NEWFALSE:
        stack.push(op.code === OP.NEWTRUE);
        break;
      case OP.BININT:
      case OP.BININT1:
      case OP.BININT2:
      case OP.LONG1:
      case OP.LONG4:
      case OP.BINFLOAT:
      case OP.BINUNICODE:
      case OP.SHORT_BINUNICODE:
      case OP.BINUNICODE8:
      case OP.BINSTRING:
      case OP.SHORT_BINSTRING:
      case OP.BINBYTES:
      case OP.SHORT_BINBYTES:
      case OP.BINBYTES8:
      case OP.BYTEARRAY8:
        stack.push(arg as number | bigint | string | Uint8Array);
        break;
      case OP.EMPTY_LIST:
        stack.push([]);
        break;
      case OP.EMPTY_DICT:
        stack.push(new PickleDict());
        break;
      case OP.EMPTY_TUPLE:
        stack.push(new PickleTuple([]));
        break;
      case OP.TUPLE:
        stack.push(new PickleTuple(popMark()));
        break;
      case OP.TUPLE1:
      case OP.TUPLE2:
      case OP.TUPLE3: {
        const n = op.code - OP.TUPLE1 + 1;
        const items: PickleValue[] = [];
        for (let i = 0; i < n; i++) items.unshift(pop());
        stack.push(new PickleTuple(items));
        break;
      }
      case OP.LIST:
        stack.push(popMark());
        break;
      case OP.DICT: {
        const d = new PickleDict();
        setItems(d, popMark());
        stack.push(d);
        break;
      }
      case OP.APPEND: {
        const v = pop();
        append(top(), [v]);
        break;
      }
      case OP.APPENDS: {
        const items = popMark();
        append(top(), items);
        break;
      }
      case OP.SETITEM: {
        const v = pop();
        const k = pop();
        setItems(top(), [k, v]);
        break;
      }
      case OP.SETITEMS: {
        const items = popMark();
        setItems(top(), items);
        break;
      }
      case OP.BINPUT:
      case OP.LONG_BINPUT:
        memo.set(arg as number, top());
        break;
      case OP.MEMOIZE:
        memo.set(memo.size, top());
        break;
      case OP.BINGET:
      case OP.LONG_BINGET: {
        const v = memo.get(arg as number);
        if (v === undefined) throw new PickleFormatError(`memo entry ${arg as number} is not set`);
        stack.push(v);
        break;
      }
      case OP.GLOBAL: {
        const [module, name] = arg as readonly [string, string];
        stack.push(lookupGlobal(module, name, options));
        break;
      }
      case OP.STACK_GLOBAL: {
        const name = pop();
        const module = pop();
        if (typeof module !== 'string' || typeof name !== 'string')
          throw new PickleFormatError('STACK_GLOBAL needs two strings');
        stack.push(lookupGlobal(module, name, options));
        break;
      }
      case OP.REDUCE: {
        const args = pop();
        const fn = pop();
        stack.push(callGlobal(fn, args, 'REDUCE'));
        break;
      }
      case OP.NEWOBJ: {
        const args = pop();
        const cls = pop();
        stack.push(callGlobal(cls, args, 'NEWOBJ'));
        break;
      }
      case OP.BUILD: {
        const state = pop();
        const target = top();
        // An OrderedDict's attributes (torch: `_metadata`) are not items: they are dropped.
        if (!(target instanceof PickleDict))
          throw new PickleFormatError(`BUILD on ${pickleTypeName(target)} is not supported`);
        if (!(state instanceof PickleDict || state instanceof PickleTuple || state === null)) {
          throw new PickleFormatError(`BUILD state of type ${pickleTypeName(state)} is not supported`);
        }
        break;
      }
      case OP.BINPERSID: {
        const pid = pop();
        if (options.persistentLoad === undefined) throw new PickleFormatError('persistent ids are not supported here');
        stack.push(options.persistentLoad(pid));
        break;
      }
      default:
        throw new PickleFormatError(`unsupported pickle opcode 0x${op.code.toString(16)} at byte ${op.pos}`);
    }
  }
}
