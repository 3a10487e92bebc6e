import { fc, test } from '@fast-check/vitest';
import { describe, expect, it } from 'vitest';
import { hashInstruction } from './hash-instruction.ts';

describe('hashInstruction', () => {
  it('ignores case and punctuation, pads with 0', () => {
    const spec = { vocabSize: 1000, maxTokens: 6 };
    const a = hashInstruction('Pick up the black bowl.', spec);
    const b = hashInstruction('pick   up the BLACK bowl', spec);
    expect(a).toEqual(b);
    expect(Array.from(a.slice(5))).toEqual([0n]);
    expect(Array.from(a.slice(0, 5)).every((v) => v >= 1n && v < 1000n)).toBe(true);
  });

  it('tells apart the words that distinguish LIBERO-Spatial tasks', () => {
    const spec = { vocabSize: 4096, maxTokens: 32 };
    const words = ['plate', 'ramekin', 'cookie', 'box', 'drawer', 'stove', 'cabinet', 'center', 'next', 'between', 'on', 'in'];
    const ids = words.map((w) => hashInstruction(w, spec)[0]);
    expect(new Set(ids).size).toBe(words.length);
  });

  test.prop([fc.string(), fc.integer({ min: 2, max: 50_000 }), fc.integer({ min: 1, max: 40 })])(
    'ids always in [0, vocabSize), length maxTokens',
    (text, vocabSize, maxTokens) => {
      const ids = hashInstruction(text, { vocabSize, maxTokens });
      expect(ids.length).toBe(maxTokens);
      expect(Array.from(ids).every((v) => v >= 0n && v < BigInt(vocabSize))).toBe(true);
    },
  );
});
