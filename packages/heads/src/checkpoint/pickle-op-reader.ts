/** Thrown by the op reader and the VM for malformed pickle streams (wrapped by callers). */
export class PickleFormatError extends Error {
  override readonly name = 'PickleFormatError';
}

/** One decoded pickle instruction: its opcode byte, argument and byte range. */
export interface PickleOp {
  readonly code: number;
  /** Offset of the opcode byte in the stream. */
  readonly pos: number;
  /** Offset just after the instruction. */
  readonly end: number;
  /** number for ints/floats/memo indices, bigint for large LONG1/LONG4, string, bytes, or [module, name] for GLOBAL. */
  readonly arg: number | bigint | string | Uint8Array | readonly [string, string] | undefined;
}

/** Opcodes the reader knows (protocols 0-5, those torch.save and plain pickles emit). */
export const OP = {
  MARK: 0x28, // (
  STOP: 0x2e, // .
  POP: 0x30, // 0
  POP_MARK: 0x31, // 1
  DUP: 0x32, // 2
  BINFLOAT: 0x47, // G
  BININT: 0x4a, // J
  BININT1: 0x4b, // K
  BININT2: 0x4d, // M
  NONE: 0x4e, // N
  BINPERSID: 0x51, // Q
  REDUCE: 0x52, // R
  BINSTRING: 0x54, // T
  SHORT_BINSTRING: 0x55, // U
  BINUNICODE: 0x58, // X
  EMPTY_LIST: 0x5d, // ]
  APPEND: 0x61, // a
  BUILD: 0x62, // b
  GLOBAL: 0x63, // c
  DICT: 0x64, // d
  APPENDS: 0x65, // e
  BINGET: 0x68, // h
  LONG_BINGET: 0x6a, // j
  LIST: 0x6c, // l
  BINPUT: 0x71, // q
  LONG_BINPUT: 0x72, // r
  SETITEM: 0x73, // s
  TUPLE: 0x74, // t
  SETITEMS: 0x75, // u
  EMPTY_DICT: 0x7d, // }
  EMPTY_TUPLE: 0x29, // )
  BINBYTES: 0x42, // B
  SHORT_BINBYTES: 0x43, // C
  PROTO: 0x80,
  NEWOBJ: 0x81,
  TUPLE1: 0x85,
  TUPLE2: 0x86,
  TUPLE3: 0x87,
  NEWTRUE: 0x88,
  NEWFALSE: 0x89,
  LONG1: 0x8a,
  LONG4: 0x8b,
  SHORT_BINUNICODE: 0x8c,
  BINUNICODE8: 0x8d,
  BINBYTES8: 0x8e,
  STACK_GLOBAL: 0x93,
  MEMOIZE: 0x94,
  FRAME: 0x95,
  BYTEARRAY8: 0x96,
} as const;

const utf8 = new TextDecoder('utf-8', { fatal: true });
const latin1 = new TextDecoder('latin1');

function need(bytes: Uint8Array, pos: number, n: number, what: string): void {
  if (n < 0 || pos + n > bytes.length) {
    throw new PickleFormatError(
      `pickle ends inside ${what} at byte ${pos} (needs ${n} bytes, ${bytes.length - pos} left)`,
    );
  }
}

function uintLE(bytes: Uint8Array, pos: number, n: number): number {
  let v = 0;
  for (let i = n - 1; i >= 0; i--) v = v * 256 + bytes[pos + i]!;
  return v;
}

/** Two's complement little-endian integer of `n` bytes; a number when it is a safe integer. */
function signedLE(bytes: Uint8Array, pos: number, n: number): number | bigint {
  if (n === 0) return 0;
  let v = 0n;
  for (let i = n - 1; i >= 0; i--) v = (v << 8n) | BigInt(bytes[pos + i]!);
  if (bytes[pos + n - 1]! & 0x80) v -= 1n << BigInt(8 * n);
  return v >= BigInt(Number.MIN_SAFE_INTEGER) && v <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(v) : v;
}

function line(bytes: Uint8Array, pos: number, what: string): [string, number] {
  const nl = bytes.indexOf(0x0a, pos);
  if (nl < 0) throw new PickleFormatError(`pickle ends inside ${what} at byte ${pos} (no newline)`);
  return [latin1.decode(bytes.subarray(pos, nl)), nl + 1];
}

function text(bytes: Uint8Array, pos: number, n: number): string {
  try {
    return utf8.decode(bytes.subarray(pos, pos + n));
  } catch {
    throw new PickleFormatError(`invalid UTF-8 string at byte ${pos}`);
  }
}

function sized(bytes: Uint8Array, pos: number, lenBytes: number, what: string): [number, number] {
  need(bytes, pos, lenBytes, what);
  const n = uintLE(bytes, pos, lenBytes);
  need(bytes, pos + lenBytes, n, what);
  return [n, pos + lenBytes];
}

/** Decodes the instruction at `pos`. Never executes anything; throws PickleFormatError on bad input. */
export function readPickleOp(bytes: Uint8Array, pos: number): PickleOp {
  need(bytes, pos, 1, 'opcode');
  const code = bytes[pos]!;
  const p = pos + 1;
  const op = (end: number, arg?: PickleOp['arg']): PickleOp => ({ code, pos, end, arg });
  switch (code) {
    case OP.MARK:
    case OP.STOP:
    case OP.POP:
    case OP.POP_MARK:
    case OP.DUP:
    case OP.NONE:
    case OP.BINPERSID:
    case OP.REDUCE:
    case OP.EMPTY_LIST:
    case OP.APPEND:
    case OP.BUILD:
    case OP.DICT:
    case OP.APPENDS:
    case OP.LIST:
    case OP.SETITEM:
    case OP.TUPLE:
    case OP.SETITEMS:
    case OP.EMPTY_DICT:
    case OP.EMPTY_TUPLE:
    case OP.NEWOBJ:
    case OP.TUPLE1:
    case OP.TUPLE2:
    case OP.TUPLE3:
    case OP.NEWTRUE:
    case OP.NEWFALSE:
    case OP.STACK_GLOBAL:
    case OP.MEMOIZE:
      return op(p);
    case OP.PROTO:
    case OP.BININT1:
    case OP.BINGET:
    case OP.BINPUT:
      need(bytes, p, 1, 'argument');
      return op(p + 1, bytes[p]!);
    case OP.BININT2:
      need(bytes, p, 2, 'BININT2');
      return op(p + 2, uintLE(bytes, p, 2));
    case OP.BININT:
      need(bytes, p, 4, 'BININT');
      return op(p + 4, signedLE(bytes, p, 4));
    case OP.LONG_BINGET:
    case OP.LONG_BINPUT:
      need(bytes, p, 4, 'memo index');
      return op(p + 4, uintLE(bytes, p, 4));
    case OP.FRAME:
      need(bytes, p, 8, 'FRAME');
      return op(p + 8, uintLE(bytes, p, 8));
    case OP.BINFLOAT: {
      need(bytes, p, 8, 'BINFLOAT');
      return op(p + 8, new DataView(bytes.buffer, bytes.byteOffset + p, 8).getFloat64(0, false));
    }
    case OP.LONG1:
    case OP.LONG4: {
      const [n, start] = sized(bytes, p, code === OP.LONG1 ? 1 : 4, 'LONG');
      if (n > 64) throw new PickleFormatError(`integer of ${n} bytes at byte ${pos} is too large`);
      return op(start + n, signedLE(bytes, start, n));
    }
    case OP.SHORT_BINUNICODE:
    case OP.BINUNICODE:
    case OP.BINUNICODE8: {
      const lenBytes = code === OP.SHORT_BINUNICODE ? 1 : code === OP.BINUNICODE ? 4 : 8;
      const [n, start] = sized(bytes, p, lenBytes, 'string');
      return op(start + n, text(bytes, start, n));
    }
    case OP.SHORT_BINSTRING:
    case OP.BINSTRING: {
      const [n, start] = sized(bytes, p, code === OP.SHORT_BINSTRING ? 1 : 4, 'string');
      return op(start + n, latin1.decode(bytes.subarray(start, start + n)));
    }
    case OP.SHORT_BINBYTES:
    case OP.BINBYTES:
    case OP.BINBYTES8:
    case OP.BYTEARRAY8: {
      const lenBytes = code === OP.SHORT_BINBYTES ? 1 : code === OP.BINBYTES ? 4 : 8;
      const [n, start] = sized(bytes, p, lenBytes, 'bytes');
      return op(start + n, bytes.slice(start, start + n));
    }
    case OP.GLOBAL: {
      const [module, next] = line(bytes, p, 'GLOBAL module');
      const [name, end] = line(bytes, next, 'GLOBAL name');
      return op(end, [module, name]);
    }
    default:
      throw new PickleFormatError(`unsupported pickle opcode 0x${code.toString(16).padStart(2, '0')} at byte ${pos}`);
  }
}
