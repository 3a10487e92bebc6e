import { fc, test } from '@fast-check/vitest';
import { describe, expect } from 'vitest';
import { shapeSize } from './checkpoint-tensor.ts';
import { bfloat16BitsToNumber, float16BitsToNumber } from './half-float.ts';
import { gatherStrided, lastElementIndex } from './strided-gather.ts';

const arbView = fc
  .array(fc.tuple(fc.integer({ min: 0, max: 4 }), fc.integer({ min: 0, max: 7 })), { maxLength: 4 })
  .chain((dims) => fc.record({ offset: fc.integer({ min: 0, max: 9 }), dims: fc.constant(dims) }));

/** storage element i, per dtype, and its raw bytes */
const STORES = {
  float32: (n: number) => {
    const v = new Float32Array(n).map((_, i) => i * 0.5 - 3);
    return { bytes: new Uint8Array(v.buffer), at: (i: number) => v[i]! };
  },
  float16: (n: number) => {
    const b = new Uint16Array(n).map((_, i) => (i * 2654435761) & 0xffff);
    return { bytes: new Uint8Array(b.buffer), at: (i: number) => float16BitsToNumber(b[i]!) };
  },
  bfloat16: (n: number) => {
    const b = new Uint16Array(n).map((_, i) => (i * 40503 + 7) & 0xffff);
    return { bytes: new Uint8Array(b.buffer), at: (i: number) => bfloat16BitsToNumber(b[i]!) };
  },
};

describe('gatherStrided', () => {
  test.prop([arbView, fc.integer({ min: 0, max: 3 }), fc.constantFrom('float32', 'float16', 'bfloat16' as const)])(
    'reads element offset + Σ index·stride, row-major (contiguous fast path and strided path)',
    ({ offset, dims }, slack, dtype) => {
      const shape = dims.map(([n]) => n);
      const stride = dims.map(([, s]) => s);
      const view = { offset, shape, stride };
      const numel = Math.max(lastElementIndex(view) + 1 + slack, 0);
      const store = STORES[dtype](numel);
      const got = gatherStrided(store.bytes, dtype, view);
      expect(got.length).toBe(shapeSize(shape));
      for (let k = 0; k < got.length; k++) {
        let rest = k;
        let src = offset;
        for (let d = shape.length - 1; d >= 0; d--) {
          src += (rest % shape[d]!) * stride[d]!;
          rest = Math.floor(rest / shape[d]!);
        }
        expect(Object.is(got[k], store.at(src)) || (Number.isNaN(got[k]) && Number.isNaN(store.at(src)))).toBe(true);
      }
      const itemBytes = dtype === 'float32' ? 4 : 2;
      if (lastElementIndex(view) >= 0) {
        const short = store.bytes.subarray(0, lastElementIndex(view) * itemBytes);
        expect(() => gatherStrided(short, dtype, view)).toThrow(RangeError);
      }
    },
  );

  test.prop([arbView])('contiguous views take every element in order', ({ offset, dims }) => {
    const shape = dims.map(([n]) => n);
    const stride = shape.map((_, d) => shapeSize(shape.slice(d + 1)));
    const n = shapeSize(shape);
    const store = STORES.float16(offset + n);
    const got = gatherStrided(store.bytes, 'float16', { offset, shape, stride });
    for (let k = 0; k < n; k++) expect(Object.is(got[k], store.at(offset + k)) || Number.isNaN(got[k])).toBe(true);
  });
});
