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
  it('a draft that agrees everywhere: k accepted, 1 + L − min(k+1, L) main passes, output = baseline', async () => {
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
      expect(r.stats.mainPasses).toBe(1 + dims.L - Math.min(k + 1, dims.L));
      expect(r.stats).toMatchObject({ fullyAccepted: B * k, partiallyAccepted: 0, rejected: 0, acceptanceRate: 1 });
    }
    const s = engine.statistics();
    expect(s.acceptanceByLayer).toEqual([1, 1, 1, 1]);
    expect(s.callsByMode).toEqual({ baseline: 1, rsd: 4 });
    await engine.close();
  });

  it('one wrong position at layer 2: a partial layer, 2 accepted, L − 2 main passes, output = baseline', async () => {
    const dir = join(root, 'partial');
    await writeCraftedBundle(dir, dims, 2, (pos, l, t) => (l === 2 && pos === 1 ? (t + 2) % dims.K : t));
    const engine = await loadEngine(dir, quiet);
    const base = await engine.predictFromFeatures(features, B, { mode: 'baseline', acceptance: { kind: 'exact' } });
    const r = await engine.predictFromFeatures(features, B, { mode: 'rsd', acceptance: { kind: 'exact' } });
    expect(r.tokens).toEqual(base.tokens);
    expect(r.stats.acceptedLayers).toEqual([2, 2, 2]);
    expect(r.stats).toMatchObject({ mainPasses: dims.L - 2, partiallyAccepted: B, rejected: 0, discardedLayers: B * (dims.k - 3) });
    // relaxed with tolerance 2 keeps the off-by-two code: all 4 layers accepted
    const relaxed = await engine.predictFromFeatures(features, B, { mode: 'rsd', acceptance: { kind: 'relaxed', tolerance: 2 } });
    expect(relaxed.stats.acceptedLayers).toEqual([4, 4, 4]);
    expect(relaxed.tokens).not.toEqual(base.tokens);
    await engine.close();
  });

  it('every position wrong at layer 0: a rejected layer, L main passes', async () => {
    const dir = join(root, 'reject');
    await writeCraftedBundle(dir, dims, 3, (_pos, l, t) => (l === 0 ? (t + 1) % dims.K : t));
    const engine = await loadEngine(dir, quiet);
    const r = await engine.predictFromFeatures(features, B, { mode: 'rsd', acceptance: { kind: 'exact' } });
    expect(r.stats).toMatchObject({ acceptedLayers: [0, 0, 0], mainPasses: dims.L, rejected: B, partiallyAccepted: 0 });
    await engine.close();
  });
});
