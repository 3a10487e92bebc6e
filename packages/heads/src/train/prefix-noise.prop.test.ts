import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { checkPrefixNoise, corruptPrefix, undecidedCode } from './prefix-noise.ts';

const batch = fc
  .record({ B: fc.integer({ min: 1, max: 6 }), P: fc.integer({ min: 1, max: 5 }), L: fc.integer({ min: 1, max: 6 }), K: fc.integer({ min: 2, max: 9 }), seed: fc.nat() })
  .chain((s) =>
    fc.record({
      s: fc.constant(s),
      tokens: fc.array(fc.integer({ min: 0, max: s.K - 1 }), { minLength: s.B * s.P * s.L, maxLength: s.B * s.P * s.L }),
      cleanShare: fc.double({ min: 0, max: 1, noNaN: true }),
      maxRate: fc.double({ min: 0, max: 1, noNaN: true }),
    }),
  );

describe('corruptPrefix', () => {
  it('keeps layer 0, stays in range, moves a code by at most one level or to the undecided code, and is deterministic in its seed', () => {
    fc.assert(
      fc.property(batch, ({ s, tokens, cleanShare, maxRate }) => {
        const t = Int32Array.from(tokens);
        const before = Int32Array.from(t);
        const noise = { cleanShare, maxRate };
        const out = corruptPrefix(t, s.B, s.P, s.L, s.K, noise, s.seed);
        expect(t).toEqual(before); // the input is not modified
        expect(corruptPrefix(t, s.B, s.P, s.L, s.K, noise, s.seed)).toEqual(out);
        for (let i = 0; i < out.length; i++) {
          const v = out[i]!;
          expect(v >= 0 && v < s.K).toBe(true);
          if (i % s.L === 0) expect(v).toBe(t[i]);
          else expect(Math.abs(v - t[i]!) <= 1 || v === undecidedCode(s.K)).toBe(true);
        }
      }),
    );
  });

  it('cleanShare 1 changes nothing; cleanShare 0 sets a suffix of every sample to the undecided code', () => {
    fc.assert(
      fc.property(batch, ({ s, tokens }) => {
        const t = Int32Array.from(tokens);
        expect(corruptPrefix(t, s.B, s.P, s.L, s.K, { cleanShare: 1, maxRate: 1 }, s.seed)).toEqual(t);
        const out = corruptPrefix(t, s.B, s.P, s.L, s.K, { cleanShare: 0, maxRate: 0 }, s.seed);
        for (let b = 0; b < s.B; b++) {
          // maxRate 0: the kept prefix is untouched, so each sample is clean up to its cut and the undecided code after it
          let cut = s.L;
          for (let l = 1; l < s.L; l++) {
            const fill = Array.from({ length: s.P }, (_, pos) => out[(b * s.P + pos) * s.L + l]).every((v) => v === undecidedCode(s.K));
            const clean = Array.from({ length: s.P }, (_, pos) => (b * s.P + pos) * s.L + l).every((i) => out[i] === t[i]);
            if (l < cut && !clean) cut = l;
            if (l >= cut) expect(fill).toBe(true);
          }
        }
      }),
    );
  });

  it('names the field of a setting out of range and the size of a wrong batch', () => {
    expect(() => checkPrefixNoise({ cleanShare: 1.5, maxRate: 0.1 })).toThrow(/prefixNoise.cleanShare/);
    expect(() => checkPrefixNoise({ cleanShare: 0.5, maxRate: -1 })).toThrow(/prefixNoise.maxRate/);
    expect(() => corruptPrefix(new Int32Array(5), 1, 2, 3, 7, { cleanShare: 0, maxRate: 0 }, 0)).toThrow(/expected B·P·L = 6/);
  });

  it('the undecided code is the middle level', () => {
    expect([2, 3, 5, 7, 8].map(undecidedCode)).toEqual([0, 1, 2, 3, 3]);
  });
});
