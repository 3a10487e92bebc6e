import { fc, test } from '@fast-check/vitest';
import { arbHeadsConfig, randomHeadWeights, SeededRandom } from '@rsd/heads/testing';
import { describe, expect } from 'vitest';
import { countCalls, greedyTokens, oracleDraft, referenceModels, type CallCounter } from '../testing/reference-models.ts';
import { decodeTokens } from './decode-tokens.ts';
import { argmaxAt } from './logits-math.ts';
import type { DecodeModels } from './decode-models.ts';

const arbCase = fc.record({
  cfg: arbHeadsConfig(),
  seed: fc.integer({ min: 0, max: 2 ** 31 - 1 }),
  B: fc.integer({ min: 1, max: 3 }),
});

function features(F: number, B: number, seed: number): Float32Array {
  return new SeededRandom(seed).floats(B * F, -2, 2);
}

/** Main's argmax at every layer given the decoded tokens as prefix: int32 [B, C, H, L]. */
async function argmaxGivenPrefix(models: DecodeModels, f: Float32Array, tokens: Int32Array, B: number): Promise<Int32Array> {
  const logits = await models.main(f, BigInt64Array.from(tokens, (t) => BigInt(t)), B);
  return Int32Array.from({ length: tokens.length }, (_, i) => argmaxAt(logits, i * models.K, models.K));
}

describe('decodeTokens on reference heads', () => {
  test.prop([arbCase], { numRuns: 60 })('exact RSD equals baseline for every k (random draft)', async ({ cfg, seed, B }) => {
    const models = referenceModels(cfg, randomHeadWeights(cfg, seed));
    const f = features(cfg.F, B, seed + 7);
    const base = await decodeTokens(models, f, B, { mode: 'baseline', acceptance: { kind: 'exact' }, draftLayers: 1 });
    expect(base.mainPasses).toBe(cfg.L);
    expect(base.tokens).toEqual(await greedyTokens(models, f, B));
    for (let k = 1; k <= cfg.draftLayers; k++) {
      const counter: CallCounter = { draft: 0, main: 0 };
      const r = await decodeTokens(countCalls(models, counter), f, B, { mode: 'rsd', acceptance: { kind: 'exact' }, draftLayers: k });
      expect(r.tokens).toEqual(base.tokens);
      expect(counter).toEqual({ draft: 1, main: r.mainPasses });
      expect(r.mainPasses).toBe(Math.max(...r.itemMainPasses));
    }
  });

  test.prop([arbCase, fc.integer({ min: 0, max: 2 ** 31 - 1 })], { numRuns: 80 })(
    'exact RSD with an oracle draft edited at one layer: identical output, accepts exactly up to the edit, pass counts L − a or 1 + L − min(k+1, L)',
    async ({ cfg, seed, B }, editSeed) => {
      const models = referenceModels(cfg, randomHeadWeights(cfg, seed));
      const f = features(cfg.F, B, seed + 7);
      const rng = new SeededRandom(editSeed);
      const P = cfg.C * cfg.H;
      // per item: the layer whose position `editPos` is changed (>= k means no edit reaches the proposal)
      const editLayer = Array.from({ length: B }, () => rng.int(cfg.draftLayers + 1));
      const editPos = Array.from({ length: B }, () => rng.int(P));
      const drafted = oracleDraft(models, {
        edit: (b, pos, l, t) => (l === editLayer[b] && pos === editPos[b] ? (t + 1) % cfg.K : t),
      });
      const base = await greedyTokens(models, f, B);
      for (let k = 1; k <= cfg.draftLayers; k++) {
        const counter: CallCounter = { draft: 0, main: 0 };
        const r = await decodeTokens(countCalls(drafted, counter), f, B, { mode: 'rsd', acceptance: { kind: 'exact' }, draftLayers: k });
        expect(r.tokens).toEqual(base);
        for (let b = 0; b < B; b++) {
          const a = Math.min(editLayer[b]!, k);
          expect(r.acceptedLayers[b]).toBe(a);
          expect(r.itemMainPasses[b]).toBe(a < k ? cfg.L - a : 1 + cfg.L - Math.min(k + 1, cfg.L));
          // a single edited position in a layer of P positions: partial iff the layer has others
          if (a < k) expect(r.partialLayer[b]).toBe(P > 1);
        }
        expect(counter.main).toBe(Math.max(...r.itemMainPasses));
      }
    },
  );

  test.prop([arbCase, fc.integer({ min: 0, max: 3 }), fc.integer({ min: 0, max: 2 ** 31 - 1 })], { numRuns: 80 })(
    'relaxed: every token lies within tolerance(l) of main argmax given the same prefix, 0 beyond the proposal',
    async ({ cfg, seed, B }, tol, editSeed) => {
      const models = referenceModels(cfg, randomHeadWeights(cfg, seed));
      const f = features(cfg.F, B, seed + 7);
      const rng = new SeededRandom(editSeed);
      // the oracle's proposal shifted by up to tol + 1 codes: some within tolerance, some not
      const drafted = oracleDraft(models, {
        edit: (_b, _pos, _l, t) => Math.min(cfg.K - 1, Math.max(0, t + rng.int(2 * tol + 3) - tol - 1)),
      });
      const tolerance = Array.from({ length: cfg.L }, (_, l) => (tol + l) % (tol + 1));
      for (let k = 1; k <= cfg.draftLayers; k++) {
        const r = await decodeTokens(drafted, f, B, { mode: 'rsd', acceptance: { kind: 'relaxed', tolerance }, draftLayers: k });
        const ref = await argmaxGivenPrefix(models, f, r.tokens, B);
        for (let i = 0; i < r.tokens.length; i++) {
          const l = i % cfg.L;
          const bound = l < k ? tolerance[l]! : 0;
          if (Math.abs(r.tokens[i]! - ref[i]!) > bound) expect.fail(`token ${i} (layer ${l}): ${r.tokens[i]} vs argmax ${ref[i]} > ${bound}`);
        }
      }
    },
  );

  test.prop([arbCase, fc.integer({ min: 0, max: 1000 })], { numRuns: 30 })(
    'sample mode is reproducible for a seed and draws codes in range',
    async ({ cfg, seed, B }, s) => {
      const { CounterRandom } = await import('./counter-random.ts');
      const models = referenceModels(cfg, randomHeadWeights(cfg, seed));
      const f = features(cfg.F, B, seed + 7);
      const plan = { mode: 'rsd', acceptance: { kind: 'sample', temperature: 0.8, seed: s }, draftLayers: cfg.draftLayers } as const;
      const a = await decodeTokens(models, f, B, plan, new CounterRandom(s));
      const b = await decodeTokens(models, f, B, plan, new CounterRandom(s));
      expect(a.tokens).toEqual(b.tokens);
      expect(a.tokens.every((t) => t >= 0 && t < cfg.K)).toBe(true);
    },
  );
});
