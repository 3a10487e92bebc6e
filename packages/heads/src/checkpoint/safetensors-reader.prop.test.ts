import { fc, test } from '@fast-check/vitest';
import { describe, expect, it } from 'vitest';
import { HeadsError } from '../errors/heads-error.ts';
import { arbStateDict } from './checkpoint-arbitraries.ts';
import { readSafetensors } from './safetensors-reader.ts';
import { writeSafetensors } from './safetensors-writer.ts';

describe('safetensors writer → reader', () => {
  test.prop([arbStateDict(), fc.dictionary(fc.string({ maxLength: 6 }), fc.string({ maxLength: 6 }), { maxKeys: 3 })])(
    'round trips every tensor exactly, and the metadata',
    (tensors, meta) => {
      const metadata = new Map(Object.entries(meta));
      const file = readSafetensors(writeSafetensors(tensors, metadata), { fileName: 'rt.safetensors' });
      expect([...file.tensors.keys()].sort()).toEqual([...tensors.keys()].sort());
      for (const [name, t] of tensors) {
        const got = file.tensors.get(name)!;
        expect(got.dtype).toBe(t.dtype);
        expect([...got.shape]).toEqual([...t.shape]);
        expect(got.data).toEqual(t.data);
      }
      expect(file.metadata).toEqual(metadata);
    },
  );

  test.prop([arbStateDict(), fc.nat(), fc.nat({ max: 255 })])(
    'any truncation or byte change is read or refused with a HeadsError',
    (tensors, at, value) => {
      const bytes = writeSafetensors(tensors);
      const cut = bytes.subarray(0, at % bytes.length);
      expect(() => readSafetensors(cut, { fileName: 'cut.safetensors' })).toThrow(HeadsError);
      const flipped = bytes.slice();
      flipped[at % bytes.length] = value;
      try {
        readSafetensors(flipped, { fileName: 'flip.safetensors' });
      } catch (error) {
        expect(HeadsError.isInstance(error), String(error)).toBe(true);
      }
    },
  );

  it('keeps a tensor named "__proto__" (found by the truncation property)', () => {
    const t = { dtype: 'float32' as const, shape: [], data: Float32Array.of(1.5) };
    const file = readSafetensors(writeSafetensors(new Map([['__proto__', t]])), { fileName: 'p.safetensors' });
    expect([...file.tensors.keys()]).toEqual(['__proto__']);
    expect(file.tensors.get('__proto__')!.data).toEqual(Float32Array.of(1.5));
  });
});
