import { fc, test } from '@fast-check/vitest';
import { describe, expect } from 'vitest';
import { randomRfsqParams } from '../testing/random-rfsq-params.ts';
import { rfsqConfig } from './rfsq-config.ts';
import { RfsqTokenizer } from './rfsq-tokenizer.ts';
import { residualDequantize, residualQuantize } from './residual-fsq.ts';

const arbSetup = fc
  .record({
    C: fc.integer({ min: 1, max: 4 }),
    H: fc.integer({ min: 1, max: 4 }),
    L: fc.integer({ min: 1, max: 6 }),
    K: fc.integer({ min: 3, max: 9 }),
    B: fc.integer({ min: 1, max: 4 }),
    perDim: fc.boolean(),
  })
  .chain((d) =>
    fc.record({
      d: fc.constant(d),
      levels: fc.array(fc.integer({ min: 3, max: d.K }), { minLength: d.H, maxLength: d.H }),
      z: fc.array(fc.float({ min: -1, max: 1, noNaN: true }), { minLength: d.B * d.C * d.H, maxLength: d.B * d.C * d.H }),
    }),
  );

describe('residual FSQ (properties)', () => {
  test.prop([arbSetup])('after each layer l the residual is within half of layer l’s step (in-range inputs)', ({ d, levels, z }) => {
    const lv = d.perDim ? [...levels.slice(0, -1), d.K] : levels.map(() => d.K);
    const config = rfsqConfig({ C: d.C, A: 1, H: d.H, L: d.L, levels: lv, variant: 'robust' });
    // Each layer's scale is the previous layer's worst half step, so every layer's input is in range.
    const ratio = 1 / (Math.min(...lv) - 1);
    const layerScales = Array.from({ length: d.L }, (_, l) => ratio ** l);
    const norm = { layerScales, layerShifts: layerScales.map(() => 0) };
    const zz = Float32Array.from(z);
    const { tokens } = residualQuantize(zz, config, norm);
    for (let l = 1; l <= d.L; l++) {
      const zHat = residualDequantize(tokens, config, norm, l);
      zz.forEach((v, i) => {
        const halfStep = layerScales[l - 1]! / (lv[i % d.H]! - 1);
        expect(Math.abs(v - zHat[i]!)).toBeLessThanOrEqual(halfStep * (1 + 1e-4) + 1e-6);
      });
    }
  });

  test.prop([arbSetup, fc.array(fc.float({ min: Math.fround(1e-3), max: 10, noNaN: true }), { minLength: 6, maxLength: 6 })])(
    'codes are always in [0, levels[h]), whatever the scales and inputs',
    ({ d, levels, z }, scales) => {
      const config = rfsqConfig({ C: d.C, A: 1, H: d.H, L: d.L, levels, variant: 'robust' });
      const norm = { layerScales: scales.slice(0, d.L), layerShifts: scales.slice(0, d.L).map((s) => s / 3) };
      const { tokens } = residualQuantize(Float32Array.from(z, (v) => v * 5), config, norm);
      tokens.forEach((c, i) => expect(c >= 0 && c < levels[Math.floor(i / d.L) % d.H]!).toBe(true));
    },
  );

  test.prop([fc.integer({ min: 0, max: 1000 }), fc.integer({ min: 1, max: 6 }), fc.nat(), fc.constantFrom('robust', 'naive')], {
    numRuns: 30,
  })('robust decoding of a chunk’s tokens does not depend on the rest of the batch', (seed, B, pick, variant) => {
    const params = randomRfsqParams({ C: 3, A: 2, H: 2, L: 4, K: 5, variant }, seed);
    const tok = new RfsqTokenizer(params);
    const per = 3 * 2 * 4;
    const tokens = Int32Array.from({ length: B * per }, (_, i) => (i * 31 + seed + pick) % 5);
    const b = pick % B;
    const alone = tok.decode(tokens.slice(b * per, (b + 1) * per));
    const inBatch = tok.decode(tokens).slice(b * 6, (b + 1) * 6);
    expect(Array.from(inBatch)).toEqual(Array.from(alone));
  });
});
