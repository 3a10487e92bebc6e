import { Decoder, Encoder } from '@msgpack/msgpack';

/**
 * openpi's `msgpack_numpy` wire format on `@msgpack/msgpack`:
 * - an `np.ndarray` is the map `{b"__ndarray__": true, b"data": <bin: obj.tobytes()>, b"dtype": <str: obj.dtype.str>, b"shape": <array>}`
 * - an `np.generic` is `{b"__npgeneric__": true, b"data": obj.item(), b"dtype": <str>}`
 * with **bin** keys (Python bytes), in that order; everything else is plain MessagePack (Python
 * str → str, bytes → bin, float → float64). `packb` writes exactly the bytes
 * `msgpack.packb(obj, default=pack_array)` writes (test/fixtures/msgpack-numpy-golden.json);
 * `unpackb` reads them back (and also accepts str-keyed `__ndarray__` maps).
 */

/** A numpy dtype string as `dtype.str` writes it: byte order, kind, item size (`<f4`, `|u1`, `<U3`). */
export interface DtypeInfo {
  readonly order: '<' | '>' | '|';
  /** b bool, i signed, u unsigned, f float, U unicode (UTF-32), S bytes. */
  readonly kind: 'b' | 'i' | 'u' | 'f' | 'U' | 'S';
  /** Bytes per element. */
  readonly itemSize: number;
}

const NUMERIC_SIZES: Record<string, readonly number[]> = { b: [1], i: [1, 2, 4, 8], u: [1, 2, 4, 8], f: [2, 4, 8] };

/** Parses `dtype.str`; what the protocol cannot carry (object, void, complex, datetime) is a `TypeError` naming it. */
export function parseDtype(dtype: string): DtypeInfo {
  const m = /^([<>|=])([a-zA-Z])(\d*)(\[\w+\])?$/.exec(dtype);
  if (m === null) throw new TypeError(`unknown dtype ${JSON.stringify(dtype)}`);
  const kind = m[2]!;
  const itemSize = Number(m[3]);
  const unsupported = () => new TypeError(`dtype ${JSON.stringify(dtype)} is not supported (bool, int, uint, float16/32/64, str, bytes are)`);
  if (m[3] === '' || m[4] !== undefined) throw unsupported();
  let order = (m[1] === '=' ? '<' : m[1]) as DtypeInfo['order'];
  if (kind === 'U' || kind === 'S') {
    if (kind === 'U' && order === '|') order = '<';
    // `<U3` counts characters (UTF-32, 4 bytes each); `|S3` counts bytes
    return { order, kind, itemSize: kind === 'U' ? 4 * itemSize : itemSize };
  }
  const sizes = NUMERIC_SIZES[kind];
  if (sizes === undefined || !sizes.includes(itemSize)) throw unsupported();
  if (itemSize === 1) order = '|';
  return { order, kind: kind as DtypeInfo['kind'], itemSize };
}

/** Element count of a shape. */
export function sizeOf(shape: readonly number[]): number {
  return shape.reduce((a, b) => a * b, 1);
}

/** The typed arrays `NdArray.from` takes, with their little-endian numpy dtype. */
export type NumericArray = Uint8Array | Int8Array | Uint16Array | Int16Array | Uint32Array | Int32Array | BigUint64Array | BigInt64Array | Float32Array | Float64Array;

const DTYPE_OF_ARRAY: readonly [new (...a: never[]) => NumericArray, string][] = [
  [Uint8Array, '|u1'],
  [Int8Array, '|i1'],
  [Uint16Array, '<u2'],
  [Int16Array, '<i2'],
  [Uint32Array, '<u4'],
  [Int32Array, '<i4'],
  [BigUint64Array, '<u8'],
  [BigInt64Array, '<i8'],
  [Float32Array, '<f4'],
  [Float64Array, '<f8'],
];

function halfToFloat(h: number): number {
  const sign = h & 0x8000 ? -1 : 1;
  const exp = (h >> 10) & 0x1f;
  const frac = h & 0x3ff;
  if (exp === 0) return sign * frac * 2 ** -24;
  if (exp === 31) return frac === 0 ? sign * Infinity : NaN;
  return sign * (1 + frac / 1024) * 2 ** (exp - 15);
}

/** A numpy array on the wire: dtype string, shape and the raw bytes (C order), as `obj.tobytes()` gave them. */
export class NdArray {
  readonly info: DtypeInfo;

  constructor(
    readonly dtype: string,
    readonly shape: readonly number[],
    readonly bytes: Uint8Array,
  ) {
    this.info = parseDtype(dtype);
    if (!shape.every((d) => Number.isSafeInteger(d) && d >= 0)) throw new TypeError(`shape [${shape.join(', ')}] must be non-negative integers`);
    const want = sizeOf(shape) * this.info.itemSize;
    if (bytes.byteLength !== want) {
      throw new TypeError(`data has ${bytes.byteLength} bytes but dtype ${dtype} and shape [${shape.join(', ')}] need ${want}`);
    }
  }

  /** A little-endian array of a typed array's values (copied), shape default `[length]`. */
  static from(data: NumericArray, shape: readonly number[] = [data.length]): NdArray {
    const entry = DTYPE_OF_ARRAY.find(([ctor]) => data instanceof ctor);
    if (entry === undefined) throw new TypeError('unsupported typed array');
    const bytes = new Uint8Array(data.buffer, data.byteOffset, data.byteLength).slice();
    return new NdArray(entry[1], shape, bytes);
  }

  /** A bool array (numpy `|b1`) of 0/1 values. */
  static bool(values: readonly boolean[], shape: readonly number[] = [values.length]): NdArray {
    return new NdArray('|b1', shape, Uint8Array.from(values, (v) => (v ? 1 : 0)));
  }

  /** Number of elements. */
  get size(): number {
    return sizeOf(this.shape);
  }

  /** Whether the dtype is numeric (bool, int, uint, float). */
  get numeric(): boolean {
    return this.info.kind !== 'U' && this.info.kind !== 'S';
  }

  /** The i-th element (C order) as a number (int64/uint64 beyond 2^53 lose precision: use `bigintAt`). */
  numberAt(i: number): number {
    const { kind, itemSize, order } = this.info;
    const v = new DataView(this.bytes.buffer, this.bytes.byteOffset + i * itemSize, itemSize);
    const le = order !== '>';
    switch (kind) {
      case 'b':
        return v.getUint8(0);
      case 'u':
        return itemSize === 1 ? v.getUint8(0) : itemSize === 2 ? v.getUint16(0, le) : itemSize === 4 ? v.getUint32(0, le) : Number(v.getBigUint64(0, le));
      case 'i':
        return itemSize === 1 ? v.getInt8(0) : itemSize === 2 ? v.getInt16(0, le) : itemSize === 4 ? v.getInt32(0, le) : Number(v.getBigInt64(0, le));
      case 'f':
        return itemSize === 2 ? halfToFloat(v.getUint16(0, le)) : itemSize === 4 ? v.getFloat32(0, le) : v.getFloat64(0, le);
      default:
        throw new TypeError(`dtype ${this.dtype} is not numeric`);
    }
  }

  /** The i-th element of an int/uint array as an exact bigint. */
  bigintAt(i: number): bigint {
    const { kind, itemSize, order } = this.info;
    if (kind !== 'i' && kind !== 'u') throw new TypeError(`dtype ${this.dtype} is not an integer type`);
    if (itemSize < 8) return BigInt(this.numberAt(i));
    const v = new DataView(this.bytes.buffer, this.bytes.byteOffset + i * 8, 8);
    return kind === 'i' ? v.getBigInt64(0, order !== '>') : v.getBigUint64(0, order !== '>');
  }

  /** All elements converted to float32 (any numeric dtype; bool → 0/1). */
  toFloat32(): Float32Array {
    if (this.dtype === '<f4' && this.bytes.byteOffset % 4 === 0) return new Float32Array(this.bytes.buffer, this.bytes.byteOffset, this.size).slice();
    const out = new Float32Array(this.size);
    for (let i = 0; i < out.length; i++) out[i] = this.numberAt(i);
    return out;
  }

  /** All elements converted to float64. */
  toFloat64(): Float64Array {
    const out = new Float64Array(this.size);
    for (let i = 0; i < out.length; i++) out[i] = this.numberAt(i);
    return out;
  }

  /** The elements of a `U` or `S` array as strings (numpy strips trailing NULs). */
  strings(): string[] {
    const { kind, itemSize, order } = this.info;
    const out: string[] = [];
    for (let i = 0; i < this.size; i++) {
      const item = this.bytes.subarray(i * itemSize, (i + 1) * itemSize);
      if (kind === 'S') {
        let end = item.length;
        while (end > 0 && item[end - 1] === 0) end--;
        out.push(new TextDecoder('latin1').decode(item.subarray(0, end)));
      } else if (kind === 'U') {
        const v = new DataView(item.buffer, item.byteOffset, item.byteLength);
        let s = '';
        for (let c = 0; c < itemSize / 4; c++) {
          const cp = v.getUint32(c * 4, order !== '>');
          if (cp === 0) break;
          s += String.fromCodePoint(cp);
        }
        out.push(s);
      } else throw new TypeError(`dtype ${this.dtype} is not a string type`);
    }
    return out;
  }
}

/** A numpy scalar (`np.float32(1.5)`): its dtype string and `item()` value. */
export class NpGeneric {
  constructor(
    readonly dtype: string,
    readonly value: number | bigint | boolean | string | Uint8Array,
  ) {
    parseDtype(dtype);
  }
}

/** A value the codec carries: MessagePack's types plus numpy arrays and scalars. */
export type WireValue = null | boolean | number | bigint | string | Uint8Array | NdArray | NpGeneric | readonly WireValue[] | { readonly [key: string]: WireValue };

const te = new TextEncoder();
const BIN_KEY = {
  ndarray: te.encode('__ndarray__'),
  npgeneric: te.encode('__npgeneric__'),
  data: te.encode('data'),
  dtype: te.encode('dtype'),
  shape: te.encode('shape'),
};

function containerHeader(count: number, fix: number, x16: number, x32: number): Uint8Array {
  if (count < 16) return Uint8Array.of(fix + count);
  if (count < 0x10000) return Uint8Array.of(x16, count >> 8, count & 0xff);
  const h = new Uint8Array(5);
  h[0] = x32;
  new DataView(h.buffer).setUint32(1, count);
  return h;
}

const plain = new Encoder();
const floats = new Encoder({ forceIntegerToFloat: true });
const bigints = new Encoder({ useBigInt64: true });

/** The bin header of `n` bytes (bin 8/16/32, as every MessagePack writer does); the bytes follow uncopied. */
function binHeader(n: number): Uint8Array {
  if (n < 0x100) return Uint8Array.of(0xc4, n);
  if (n < 0x10000) return Uint8Array.of(0xc5, n >> 8, n & 0xff);
  const h = new Uint8Array(5);
  h[0] = 0xc6;
  new DataView(h.buffer).setUint32(1, n);
  return h;
}

/** A leaf as msgpack-python writes it: ints in their smallest form (bigint only beyond 2^53), floats as float64. */
function leaf(value: WireValue, forceFloat = false): Uint8Array {
  if (typeof value === 'bigint') {
    if (value >= BigInt(Number.MIN_SAFE_INTEGER) && value <= BigInt(Number.MAX_SAFE_INTEGER)) return plain.encode(Number(value));
    return bigints.encode(value);
  }
  return (forceFloat ? floats : plain).encode(value);
}

function packInto(value: WireValue, parts: Uint8Array[], depth: number): void {
  if (depth > 64) throw new RangeError('nesting deeper than 64 levels');
  if (value instanceof NdArray) {
    parts.push(Uint8Array.of(0x84), leaf(BIN_KEY.ndarray), leaf(true), leaf(BIN_KEY.data), binHeader(value.bytes.byteLength), value.bytes);
    parts.push(leaf(BIN_KEY.dtype), leaf(value.dtype), leaf(BIN_KEY.shape));
    parts.push(containerHeader(value.shape.length, 0x90, 0xdc, 0xdd));
    for (const d of value.shape) parts.push(leaf(d));
  } else if (value instanceof NpGeneric) {
    const isFloat = parseDtype(value.dtype).kind === 'f';
    parts.push(Uint8Array.of(0x83), leaf(BIN_KEY.npgeneric), leaf(true), leaf(BIN_KEY.data), leaf(value.value, isFloat), leaf(BIN_KEY.dtype), leaf(value.dtype));
  } else if (Array.isArray(value)) {
    parts.push(containerHeader(value.length, 0x90, 0xdc, 0xdd));
    for (const v of value) packInto(v as WireValue, parts, depth + 1);
  } else if (value !== null && typeof value === 'object' && !(value instanceof Uint8Array)) {
    const entries = Object.entries(value as Record<string, WireValue>).filter(([, v]) => v !== undefined);
    parts.push(containerHeader(entries.length, 0x80, 0xde, 0xdf));
    for (const [k, v] of entries) {
      parts.push(leaf(k));
      packInto(v, parts, depth + 1);
    }
  } else {
    parts.push(leaf(value));
  }
}

/** `msgpack_numpy.packb(value)`: map/array headers and the bin header of array data written here (the data itself is not copied until the final buffer), every scalar by `@msgpack/msgpack`. */
export function packb(value: WireValue): Uint8Array {
  const parts: Uint8Array[] = [];
  packInto(value, parts, 0);
  let n = 0;
  for (const p of parts) n += p.byteLength;
  const out = new Uint8Array(n);
  let o = 0;
  for (const p of parts) {
    out.set(p, o);
    o += p.byteLength;
  }
  return out;
}

/** Bin map keys (Python bytes) arrive as their UTF-8 text; str keys as they are. */
const decoder = new Decoder({
  useBigInt64: true,
  mapKeyConverter: (key: unknown) => {
    if (typeof key === 'string' || typeof key === 'number') return key;
    if (key instanceof Uint8Array) return new TextDecoder().decode(key);
    throw new TypeError(`map key of type ${typeof key}`);
  },
});

function shapeOf(raw: unknown): number[] {
  if (!Array.isArray(raw)) throw new TypeError('"shape" must be an array of integers');
  return raw.map((d) => {
    const n = typeof d === 'bigint' ? Number(d) : d;
    if (typeof n !== 'number' || !Number.isSafeInteger(n) || n < 0) throw new TypeError(`"shape" must be non-negative integers, got ${String(d)}`);
    return n;
  });
}

function revive(value: unknown, depth: number): WireValue {
  if (depth > 64) throw new RangeError('nesting deeper than 64 levels');
  if (Array.isArray(value)) return value.map((v) => revive(v, depth + 1));
  // int64/uint64 on the wire arrive as bigint; those a double holds exactly become numbers
  if (typeof value === 'bigint') return value >= BigInt(Number.MIN_SAFE_INTEGER) && value <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(value) : value;
  if (value === null || value === undefined || typeof value !== 'object' || value instanceof Uint8Array) return (value ?? null) as WireValue;
  if (value instanceof Date) return value.toISOString();
  const obj = value as Record<string, unknown>;
  if (obj.__ndarray__ !== undefined) {
    const data = obj.data;
    if (!(data instanceof Uint8Array)) throw new TypeError('an __ndarray__ map needs "data" as bytes');
    if (typeof obj.dtype !== 'string') throw new TypeError('an __ndarray__ map needs "dtype" as a string');
    return new NdArray(obj.dtype, shapeOf(obj.shape), data);
  }
  if (obj.__npgeneric__ !== undefined) {
    if (typeof obj.dtype !== 'string') throw new TypeError('an __npgeneric__ map needs "dtype" as a string');
    const v = obj.data;
    if (!(typeof v === 'number' || typeof v === 'bigint' || typeof v === 'boolean' || typeof v === 'string' || v instanceof Uint8Array)) {
      throw new TypeError('an __npgeneric__ map needs a scalar "data"');
    }
    return new NpGeneric(obj.dtype, v);
  }
  const out: Record<string, WireValue> = {};
  for (const [k, v] of Object.entries(obj)) out[k] = revive(v, depth + 1);
  return out;
}

/**
 * `msgpack_numpy.unpackb(bytes)`: one MessagePack object, `__ndarray__` / `__npgeneric__` maps
 * turned into `NdArray` / `NpGeneric`. Malformed input (truncated, trailing bytes, an array whose
 * data does not fit its dtype and shape) throws.
 */
export function unpackb(bytes: Uint8Array): WireValue {
  return revive(decoder.decode(bytes), 0);
}
