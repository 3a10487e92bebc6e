import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadEngine } from '../src/index.ts';
import { writeCraftedBundle } from './crafted-bundle.ts';

let root: string;
beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'rsd-engine-paths-'));
});
afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

const dims = { C: 2, A: 3, H: 2, L: 5, K: 5, F: 3, k: 4 };
const quiet = { log: () => {}, executionProviders: ['cpu'] as const };
const B = 3;
const features = Float32Array.from({ length: B * dims.F }, (_, i) => (i % 5) - 2);

describe('acceptance paths through ONNX Runtime (crafted bundles)', () => {
  // main ignores its inputs here, so its own guesses for deeper layers are always right: Jacobi
  // finishes in the pass after the first, whatever the first pass rejected
  it('a draft that agrees everywhere: k accepted, 1 pass if k + 1 >= L else 2, output = baseline', async () => {
    const dir = join(root, 'agree');
    const { greedy } = await writeCraftedBundle(dir, dims, 1);
    const engine = await loadEngine(dir, quiet);
    const base = await engine.predictFromFeatures(features, B, { mode: 'baseline', acceptance: { kind: 'exact' } });
    expect(Array.from(base.tokens.subarray(0, greedy.length))).toEqual(Array.from(greedy));
    for (let k = 1; k <= dims.k; k++) {
      const r = await engine.predictFromFeatures(features, B, { mode: 'rsd', acceptance: { kind: 'exact' }, draftLayers: k });
      expect(r.tokens).toEqual(base.tokens);
      expect(r.actions).toEqual(base.actions);
      expect(r.stats.acceptedLayers).toEqual([k, k, k]);
      expect(r.stats.mainPasses).toBe(k + 1 >= dims.L ? 1 : 2);
      expect(r.stats.layersDecidedPerPass).toEqual(Array.from({ length: B }, () => (k + 1 >= dims.L ? [dims.L] : [k + 1, dims.L - k - 1])));
      expect(r.stats).toMatchObject({ fullyAccepted: B * k, partiallyAccepted: 0, rejected: 0, acceptanceRate: 1 });
      expect(r.stats.maxPositionRejections).toEqual([0, 0, 0]);
    }
    const j = await engine.predictFromFeatures(features, B, { mode: 'jacobi', acceptance: { kind: 'exact' } });
    expect(j.tokens).toEqual(base.tokens);
    expect(j.stats).toMatchObject({ mainPasses: 2, draftPasses: 0, proposedLayers: 0 });
    expect(j.stats.layersDecidedPerPass).toEqual([[1, 4], [1, 4], [1, 4]]);
    const s = engine.statistics();
    expect(s.acceptanceByLayer).toEqual([1, 1, 1, 1]);
    expect(s.callsByMode).toEqual({ baseline: 1, rsd: 4, jacobi: 1 });
    expect(s.depth.acceptanceBySource.main.layerRate.slice(1)).toEqual([1, 1, 1, 1]);
    expect(s.depth.passHistogram).toEqual([0, 1, 4, 0, 0, 1]); // rsd k = 4 needs 1 pass; k = 1..3 and jacobi 2; baseline 5
    await engine.close();
  });

  it('one wrong position at layer 2: a partial layer, 2 accepted, then main\'s own guesses finish in pass 2, output = baseline', async () => {
    const dir = join(root, 'partial');
    await writeCraftedBundle(dir, dims, 2, (pos, l, t) => (l === 2 && pos === 1 ? (t + 2) % dims.K : t));
    const engine = await loadEngine(dir, quiet);
    const base = await engine.predictFromFeatures(features, B, { mode: 'baseline', acceptance: { kind: 'exact' } });
    const r = await engine.predictFromFeatures(features, B, { mode: 'rsd', acceptance: { kind: 'exact' } });
    expect(r.tokens).toEqual(base.tokens);
    expect(r.stats.acceptedLayers).toEqual([2, 2, 2]);
    expect(r.stats).toMatchObject({ mainPasses: 2, partiallyAccepted: B, rejected: 0, discardedLayers: B * (dims.k - 3) });
    expect(r.stats.layersDecidedPerPass).toEqual([[3, 2], [3, 2], [3, 2]]);
    expect(r.stats.maxPositionRejections).toEqual([1, 1, 1]);
    // layer 2 was checked once from the draft (P − 1 of P kept); layers 3, 4 once from main (all kept)
    const P = dims.C * dims.H;
    expect(r.stats.layerChecks.draft.tokensKept).toEqual([B * P, B * P, B * (P - 1), 0, 0]);
    expect(r.stats.layerChecks.main.layersKept).toEqual([0, 0, 0, B, B]);
    // relaxed with tolerance 2 keeps the off-by-two code: all 4 layers accepted
    const relaxed = await engine.predictFromFeatures(features, B, { mode: 'rsd', acceptance: { kind: 'relaxed', tolerance: 2 } });
    expect(relaxed.stats.acceptedLayers).toEqual([4, 4, 4]);
    expect(relaxed.tokens).not.toEqual(base.tokens);
    await engine.close();
  });

  it('every position wrong at layer 0: a rejected layer, then 1 Jacobi pass', async () => {
    const dir = join(root, 'reject');
    await writeCraftedBundle(dir, dims, 3, (_pos, l, t) => (l === 0 ? (t + 1) % dims.K : t));
    const engine = await loadEngine(dir, quiet);
    const r = await engine.predictFromFeatures(features, B, { mode: 'rsd', acceptance: { kind: 'exact' } });
    expect(r.stats).toMatchObject({ acceptedLayers: [0, 0, 0], mainPasses: 2, rejected: B, partiallyAccepted: 0 });
    expect(r.stats.layersDecidedPerPass).toEqual([[1, 4], [1, 4], [1, 4]]);
    await engine.close();
  });
});
