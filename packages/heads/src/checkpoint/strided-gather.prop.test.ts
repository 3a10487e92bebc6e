import { fc, test } from '@fast-check/vitest';
import { describe, expect } from 'vitest';
import { shapeSize } from './checkpoint-tensor.ts';
import { gatherStrided, lastElementIndex } from './strided-gather.ts';

const arbView = fc
  .array(fc.tuple(fc.integer({ min: 0, max: 4 }), fc.integer({ min: 0, max: 7 })), { maxLength: 4 })
  .chain((dims) => fc.record({ offset: fc.integer({ min: 0, max: 9 }), dims: fc.constant(dims) }));

describe('gatherStrided', () => {
  test.prop([arbView, fc.integer({ min: 0, max: 3 })])(
    'reads element offset + Σ index·stride, row-major',
    ({ offset, dims }, slack) => {
      const shape = dims.map(([n]) => n);
      const stride = dims.map(([, s]) => s);
      const view = { offset, shape, stride };
      const numel = Math.max(lastElementIndex(view) + 1 + slack, 0);
      const storage = new Float32Array(numel).map((_, i) => i * 0.5 - 3);
      const got = gatherStrided(new Uint8Array(storage.buffer), 'float32', view);
      expect(got.length).toBe(shapeSize(shape));
      for (let k = 0; k < got.length; k++) {
        let rest = k;
        let src = offset;
        for (let d = shape.length - 1; d >= 0; d--) {
          src += (rest % shape[d]!) * stride[d]!;
          rest = Math.floor(rest / shape[d]!);
        }
        expect(got[k]).toBe(storage[src]);
      }
      if (lastElementIndex(view) >= 0) {
        const short = new Uint8Array(storage.buffer, 0, lastElementIndex(view) * 4);
        expect(() => gatherStrided(short, 'float32', view)).toThrow(RangeError);
      }
    },
  );
});
