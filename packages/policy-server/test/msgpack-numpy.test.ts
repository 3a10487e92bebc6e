import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fc, test } from '@fast-check/vitest';
import { describe, expect, it } from 'vitest';
import { NdArray, NpGeneric, packb, parseDtype, unpackb, type WireValue } from '../src/index.ts';

/** Golden bytes written once by openpi's msgpack_numpy (tools/make_golden.py, msgpack 1.2.3, numpy 2.4.6). */
const golden = JSON.parse(readFileSync(join(import.meta.dirname, 'fixtures/msgpack-numpy-golden.json'), 'utf8')) as {
  cases: { name: string; hex: string; value: unknown }[];
};

const hexBytes = (hex: string) => Uint8Array.from(Buffer.from(hex, 'hex'));
const hexOf = (b: Uint8Array) => Buffer.from(b).toString('hex');
const special = (v: unknown): number | unknown => (v === 'nan' ? NaN : v === 'inf' ? Infinity : v === '-inf' ? -Infinity : v);

/** The value the description in the fixture stands for, as this package represents it. */
function build(d: unknown): WireValue {
  if (Array.isArray(d)) return d.map(build);
  if (d !== null && typeof d === 'object') {
    const o = d as Record<string, unknown>;
    if ('$ndarray' in o) {
      const a = o.$ndarray as { dtype: string; shape: number[]; hex: string };
      return new NdArray(a.dtype, a.shape, hexBytes(a.hex));
    }
    if ('$npgeneric' in o) {
      const g = o.$npgeneric as { dtype: string; value: unknown };
      const v = typeof g.value === 'string' && /^-?\d+$/.test(g.value) ? BigInt(g.value) : special(g.value);
      return new NpGeneric(g.dtype, v as number);
    }
    if ('$bytes' in o) return hexBytes(o.$bytes as string);
    if ('$float' in o) return special(o.$float) as number;
    return Object.fromEntries(Object.entries(o).map(([k, v]) => [k, build(v)]));
  }
  return d as WireValue;
}

/** Every array in a described value, with the element values numpy reported. */
function arraysIn(d: unknown, decoded: WireValue, out: [{ dtype: string; values: unknown[] }, WireValue][] = []) {
  if (d !== null && typeof d === 'object' && !Array.isArray(d)) {
    const o = d as Record<string, unknown>;
    if ('$ndarray' in o) out.push([o.$ndarray as { dtype: string; values: unknown[] }, decoded]);
    else if (!('$npgeneric' in o) && !('$bytes' in o) && !('$float' in o)) for (const k of Object.keys(o)) arraysIn(o[k], (decoded as Record<string, WireValue>)[k]!, out);
  } else if (Array.isArray(d)) d.forEach((x, i) => arraysIn(x, (decoded as WireValue[])[i]!, out));
  return out;
}

describe('msgpack_numpy golden bytes (written by openpi’s reference code)', () => {
  it('covers every dtype the protocol carries', () => {
    const dtypes = new Set(golden.cases.flatMap((c) => JSON.stringify(c.value).match(/"dtype":"[^"]+"/g) ?? []));
    for (const d of ['|b1', '|u1', '|i1', '<u2', '<i2', '<u4', '<i4', '<u8', '<i8', '<f2', '<f4', '<f8', '>f4', '>i2', '<U3', '|S2']) expect(dtypes).toContain(`"dtype":"${d}"`);
  });

  for (const c of golden.cases) {
    it(`${c.name}: packb writes the reference bytes and unpackb reads them back`, () => {
      const value = build(c.value);
      expect(hexOf(packb(value))).toBe(c.hex);
      const decoded = unpackb(hexBytes(c.hex));
      expect(decoded).toEqual(value);
      for (const [spec, arr] of arraysIn(c.value, decoded)) {
        expect(arr).toBeInstanceOf(NdArray);
        const a = arr as NdArray;
        expect(a.dtype).toBe(spec.dtype);
        const got = a.numeric ? Array.from({ length: a.size }, (_, i) => (a.info.kind === 'b' ? a.numberAt(i) === 1 : a.info.kind !== 'f' && typeof spec.values[i] === 'string' ? a.bigintAt(i).toString() : a.numberAt(i))) : a.strings();
        const want = spec.values.map((v) => (a.numeric && a.info.kind === 'f' ? special(v) : v));
        expect(got).toEqual(want);
      }
    });
  }

  it('an openpi LIBERO observation decodes to the keys the server reads', () => {
    const obs = unpackb(hexBytes(golden.cases.find((c) => c.name === 'observation_libero')!.hex)) as Record<string, WireValue>;
    expect(Object.keys(obs)).toEqual(['observation/image', 'observation/wrist_image', 'observation/state', 'prompt']);
    expect((obs['observation/state'] as NdArray).dtype).toBe('<f8');
    expect(Array.from((obs['observation/state'] as NdArray).toFloat64())).toEqual([-0.21, -0.015, 1.18, 3.1, 0.02, -0.01, 0.039, -0.039]);
  });
});

describe('round trips', () => {
  const kinds: [string, (n: number) => fc.Arbitrary<NdArray>][] = [
    ['|u1', (n) => fc.uint8Array({ minLength: n, maxLength: n }).map((a) => NdArray.from(a))],
    ['|i1', (n) => fc.int8Array({ minLength: n, maxLength: n }).map((a) => NdArray.from(a))],
    ['<u2', (n) => fc.uint16Array({ minLength: n, maxLength: n }).map((a) => NdArray.from(a))],
    ['<i2', (n) => fc.int16Array({ minLength: n, maxLength: n }).map((a) => NdArray.from(a))],
    ['<u4', (n) => fc.uint32Array({ minLength: n, maxLength: n }).map((a) => NdArray.from(a))],
    ['<i4', (n) => fc.int32Array({ minLength: n, maxLength: n }).map((a) => NdArray.from(a))],
    ['<u8', (n) => fc.bigUint64Array({ minLength: n, maxLength: n }).map((a) => NdArray.from(a))],
    ['<i8', (n) => fc.bigInt64Array({ minLength: n, maxLength: n }).map((a) => NdArray.from(a))],
    ['<f4', (n) => fc.float32Array({ minLength: n, maxLength: n }).map((a) => NdArray.from(a))],
    ['<f8', (n) => fc.float64Array({ minLength: n, maxLength: n }).map((a) => NdArray.from(a))],
    ['<f2', (n) => fc.uint8Array({ minLength: 2 * n, maxLength: 2 * n }).map((b) => new NdArray('<f2', [n], b))],
    ['|b1', (n) => fc.array(fc.boolean(), { minLength: n, maxLength: n }).map((b) => NdArray.bool(b))],
  ];
  test.prop([fc.constantFrom(...kinds), fc.integer({ min: 0, max: 40 })], { numRuns: 60 })('every dtype: unpackb(packb(x)) has the same dtype, shape and bytes', ([, arb], n) => {
    const a = fc.sample(arb(n), { numRuns: 1, seed: n })[0]!;
    const shaped = n % 2 === 0 && n > 0 ? new NdArray(a.dtype, [2, n / 2], a.bytes) : a;
    const back = unpackb(packb({ x: shaped, nested: [shaped, { y: shaped }] })) as Record<string, WireValue>;
    expect(back.x).toEqual(shaped);
    expect(((back.nested as WireValue[])[1] as Record<string, WireValue>).y).toEqual(shaped);
    expect(packb(back)).toEqual(packb({ x: shaped, nested: [shaped, { y: shaped }] }));
  });

  it('numeric views agree with the typed arrays (float32, int64, big-endian)', () => {
    const f = Float32Array.of(1.5, -2, NaN);
    expect(Array.from(NdArray.from(f).toFloat32())).toEqual(Array.from(f));
    const i = BigInt64Array.of(-(2n ** 63n), 5n);
    expect(NdArray.from(i).bigintAt(0)).toBe(-(2n ** 63n));
    expect(new NdArray('>f4', [1], Uint8Array.of(0x3f, 0xa0, 0, 0)).numberAt(0)).toBe(1.25);
  });

  it('refuses what the protocol cannot carry, and arrays whose bytes do not fit', () => {
    expect(() => parseDtype('|O')).toThrow(/not supported/);
    expect(() => parseDtype('<c16')).toThrow(/not supported/);
    expect(() => new NdArray('<f4', [3], new Uint8Array(8))).toThrow(/8 bytes but dtype <f4 and shape \[3\] need 12/);
    const bad = packb({ a: new NdArray('<f4', [2], new Uint8Array(8)) });
    bad[bad.length - 1] = 3; // shape [3] with 8 bytes of data
    expect(() => unpackb(bad)).toThrow(/need 12/);
    expect(() => unpackb(Uint8Array.of(0x92, 0x01))).toThrow(); // truncated
    expect(() => unpackb(Uint8Array.of(0x01, 0x02))).toThrow(); // trailing bytes
  });
});
