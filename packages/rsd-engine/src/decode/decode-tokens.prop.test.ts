import { fc, test } from '@fast-check/vitest';
import { arbHeadsConfig, randomHeadWeights, SeededRandom } from '@rsd/heads/testing';
import { describe, expect } from 'vitest';
import { countCalls, greedyTokens, oracleDraft, referenceModels, type CallCounter } from '../testing/reference-models.ts';
import { undecidedCode } from '@rsd/heads';
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

/** Invariants every outcome must satisfy: pass accounting and the layer-check counts. */
function expectPassAccounting(r: Awaited<ReturnType<typeof decodeTokens>>, L: number, P: number): void {
  expect(r.mainPasses).toBe(Math.max(...r.itemMainPasses));
  r.itemMainPasses.forEach((n, b) => {
    expect(n).toBeGreaterThanOrEqual(1);
    expect(n).toBeLessThanOrEqual(L);
    const perPass = r.layersDecidedPerPass[b]!;
    expect(perPass.length).toBe(n);
    expect(perPass.every((d) => d >= 1)).toBe(true);
    expect(perPass.reduce((a, d) => a + d, 0)).toBe(L);
  });
  for (const src of [r.checks.draft, r.checks.main]) {
    src.tokensChecked.forEach((c, l) => {
      expect(src.tokensKept[l]).toBeLessThanOrEqual(c);
      expect(c).toBe(src.layersChecked[l]! * P);
      expect(src.layersKept[l]).toBeLessThanOrEqual(src.layersChecked[l]!);
    });
  }
}

describe('decodeTokens on reference heads', () => {
  test.prop([arbCase], { numRuns: 60 })('exact RSD (every k) and jacobi equal baseline; at most L passes; draft passes 1 / 0', async ({ cfg, seed, B }) => {
    const models = referenceModels(cfg, randomHeadWeights(cfg, seed));
    const f = features(cfg.F, B, seed + 7);
    const P = cfg.C * cfg.H;
    const base = await decodeTokens(models, f, B, { mode: 'baseline', acceptance: { kind: 'exact' }, draftLayers: 0 });
    expect(base.mainPasses).toBe(cfg.L);
    expect(base.layersDecidedPerPass.every((p) => p.every((d) => d === 1))).toBe(true);
    expect(base.tokens).toEqual(await greedyTokens(models, f, B));
    for (let k = 1; k <= cfg.draftLayers; k++) {
      const counter: CallCounter = { draft: 0, main: 0 };
      const r = await decodeTokens(countCalls(models, counter), f, B, { mode: 'rsd', acceptance: { kind: 'exact' }, draftLayers: k });
      expect(r.tokens).toEqual(base.tokens);
      expect(r.tokensInt64).toEqual(base.tokensInt64);
      expect(counter).toEqual({ draft: 1, main: r.mainPasses });
      expectPassAccounting(r, cfg.L, P);
      // the first pass checks the draft's layers up to and including the first one not kept
      r.acceptedLayers.forEach((a) => expect(a).toBeLessThanOrEqual(k));
      expect(r.checks.draft.layersChecked.reduce((x, y) => x + y, 0)).toBe(r.acceptedLayers.reduce((x, a) => x + Math.min(a + 1, k), 0));
    }
    const counter: CallCounter = { draft: 0, main: 0 };
    const j = await decodeTokens(countCalls(models, counter), f, B, { mode: 'jacobi', acceptance: { kind: 'exact' }, draftLayers: 0 });
    expect(j.tokens).toEqual(base.tokens);
    expect(counter).toEqual({ draft: 0, main: j.mainPasses });
    expectPassAccounting(j, cfg.L, P);
    expect(j.checks.draft.tokensChecked.every((c) => c === 0)).toBe(true);
    // the first pass of jacobi has no proposal: it decides exactly layer 0
    j.layersDecidedPerPass.forEach((p) => expect(p[0]).toBe(1));
  });

  test.prop([arbCase], { numRuns: 30 })('a row decodes the same alone as inside any batch (rows are never compacted)', async ({ cfg, seed, B }) => {
    const models = referenceModels(cfg, randomHeadWeights(cfg, seed));
    const f = features(cfg.F, B, seed + 7);
    const n = cfg.C * cfg.H * cfg.L;
    for (const plan of [
      { mode: 'rsd', acceptance: { kind: 'relaxed', tolerance: 1 }, draftLayers: cfg.draftLayers },
      { mode: 'jacobi', acceptance: { kind: 'relaxed', tolerance: 1 }, draftLayers: 0 },
    ] as const) {
      const all = await decodeTokens(models, f, B, plan);
      for (let b = 0; b < B; b++) {
        const one = await decodeTokens(models, f.subarray(b * cfg.F, (b + 1) * cfg.F), 1, plan);
        expect(one.tokens).toEqual(all.tokens.subarray(b * n, (b + 1) * n));
        expect(one.itemMainPasses[0]).toBe(all.itemMainPasses[b]);
      }
    }
  });

  test.prop([arbCase, fc.integer({ min: 0, max: 2 ** 31 - 1 })], { numRuns: 80 })(
    'exact RSD with an oracle draft edited at one layer: identical output, accepts exactly up to the edit, no more passes than without Jacobi',
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
          // the first pass decides a + 1 layers (a kept, the edited one corrected; or layer k by main)
          expect(r.layersDecidedPerPass[b]![0]).toBeGreaterThanOrEqual(Math.min(a + 1, cfg.L));
          // never worse than discarding the proposal after the first rejection
          expect(r.itemMainPasses[b]).toBeLessThanOrEqual(a < k ? cfg.L - a : 1 + cfg.L - Math.min(k + 1, cfg.L));
          if (a === cfg.L) expect(r.itemMainPasses[b]).toBe(1);
          // a single edited position in a layer of P positions: partial iff the layer has others
          if (a < k) expect(r.partialLayer[b]).toBe(P > 1);
          if (a < k) expect(r.maxPositionRejections[b]).toBeGreaterThanOrEqual(1);
        }
        expect(counter.main).toBe(Math.max(...r.itemMainPasses));
        expectPassAccounting(r, cfg.L, P);
      }
    },
  );

  test.prop([arbCase, fc.integer({ min: 0, max: 3 }), fc.integer({ min: 0, max: 2 ** 31 - 1 })], { numRuns: 80 })(
    'relaxed (rsd and jacobi): every token lies within tolerance(l) of main argmax given the prefix it was verified on',
    async ({ cfg, seed, B }, tol, editSeed) => {
      const models = referenceModels(cfg, randomHeadWeights(cfg, seed));
      const f = features(cfg.F, B, seed + 7);
      const rng = new SeededRandom(editSeed);
      // the oracle's proposal shifted by up to tol + 1 codes: some within tolerance, some not
      const drafted = oracleDraft(models, {
        edit: (_b, _pos, _l, t) => Math.min(cfg.K - 1, Math.max(0, t + rng.int(2 * tol + 3) - tol - 1)),
      });
      const tolerance = Array.from({ length: cfg.L }, (_, l) => (tol + l) % (tol + 1));
      const plans = [
        ...Array.from({ length: cfg.draftLayers }, (_, i) => ({ mode: 'rsd' as const, draftLayers: i + 1 })),
        { mode: 'jacobi' as const, draftLayers: 0 },
      ];
      for (const { mode, draftLayers } of plans) {
        const r = await decodeTokens(drafted, f, B, { mode, acceptance: { kind: 'relaxed', tolerance }, draftLayers });
        expectPassAccounting(r, cfg.L, cfg.C * cfg.H);
        // every layer was decided on a prefix of decided layers, i.e. on the final tokens
        const ref = await argmaxGivenPrefix(models, f, r.tokens, B);
        for (let i = 0; i < r.tokens.length; i++) {
          const l = i % cfg.L;
          if (Math.abs(r.tokens[i]! - ref[i]!) > tolerance[l]!) expect.fail(`${mode} token ${i} (layer ${l}): ${r.tokens[i]} vs argmax ${ref[i]} > ${tolerance[l]}`);
        }
      }
    },
  );

  test.prop([arbCase, fc.integer({ min: 0, max: 1000 })], { numRuns: 30 })(
    'sample mode (rsd and jacobi) is reproducible for a seed, draws codes in range, needs at most L passes',
    async ({ cfg, seed, B }, s) => {
      const { CounterRandom } = await import('./counter-random.ts');
      const models = referenceModels(cfg, randomHeadWeights(cfg, seed));
      const f = features(cfg.F, B, seed + 7);
      for (const plan of [
        { mode: 'rsd', acceptance: { kind: 'sample', temperature: 0.8, seed: s }, draftLayers: cfg.draftLayers },
        { mode: 'jacobi', acceptance: { kind: 'sample', temperature: 0.8, seed: s }, draftLayers: 0 },
      ] as const) {
        const a = await decodeTokens(models, f, B, plan, new CounterRandom(s));
        const b = await decodeTokens(models, f, B, plan, new CounterRandom(s));
        expect(a.tokens).toEqual(b.tokens);
        expect(a.tokens.every((t) => t >= 0 && t < cfg.K)).toBe(true);
        expectPassAccounting(a, cfg.L, cfg.C * cfg.H);
      }
    },
  );

  test.prop([arbCase], { numRuns: 30 })('a layer nobody has proposed is fed the middle code: jacobi\'s first pass sees undecidedCode(K) everywhere, rsd\'s beyond k', async ({ cfg, seed, B }) => {
    const ref = referenceModels(cfg, randomHeadWeights(cfg, seed));
    const firstInputs: BigInt64Array[] = [];
    const recording: DecodeModels = { ...ref, main: (f, tokens, b) => (firstInputs.push(BigInt64Array.from(tokens)), ref.main(f, tokens, b)) };
    const f = features(cfg.F, B, seed + 1);
    const fill = BigInt(undecidedCode(cfg.K));
    await decodeTokens(recording, f, B, { mode: 'jacobi', acceptance: { kind: 'exact' }, draftLayers: cfg.draftLayers });
    expect(firstInputs[0]!.every((t) => t === fill)).toBe(true);
    firstInputs.length = 0;
    const k = cfg.draftLayers;
    await decodeTokens(recording, f, B, { mode: 'rsd', acceptance: { kind: 'exact' }, draftLayers: k });
    firstInputs[0]!.forEach((t, i) => {
      if (i % cfg.L >= k) expect(t).toBe(fill);
    });
  });
});

