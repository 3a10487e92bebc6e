import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SeededRandom, writeRandomBundle } from '@rsd/heads/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadEngine } from '../engine/load-engine.ts';
import { decodeNpy, encodeNpy } from '@rsd/rfsq';
import { runBench } from './bench-command.ts';
import { runPredict } from './predict-command.ts';

const dims = { C: 2, A: 3, H: 2, L: 4, K: 5, F: 6, k: 3 };
const quiet = { log: () => {} };
let root: string;
let bundle: string;
let featuresFile: string;
const N = 11;
const features = new SeededRandom(4).floats(N * dims.F, -2, 2);

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'rsd-engine-cli-'));
  bundle = join(root, 'bundle');
  await writeRandomBundle(bundle, { dims, seed: 21 });
  featuresFile = join(root, 'features.npy');
  await writeFile(featuresFile, encodeNpy({ dtype: 'float32', shape: [N, dims.F], data: features }));
});
afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

describe('runPredict', () => {
  it('writes tokens.npy, actions.npy and stats.json matching one engine call over all rows', async () => {
    const out = join(root, 'out');
    const r = await runPredict({ bundle, features: featuresFile, mode: 'rsd', acceptance: 'relaxed:1', out, batchSize: 4 }, quiet);
    expect(r.n).toBe(N);
    const tokens = decodeNpy(new Uint8Array(await readFile(join(out, 'tokens.npy'))));
    const actions = decodeNpy(new Uint8Array(await readFile(join(out, 'actions.npy'))));
    expect(tokens.dtype).toBe('int32');
    expect(tokens.shape).toEqual([N, dims.C, dims.H, dims.L]);
    expect(actions.dtype).toBe('float32');
    expect(actions.shape).toEqual([N, dims.C, dims.A]);
    const engine = await loadEngine(bundle, quiet);
    const direct = await engine.predictFromFeatures(features, N, { mode: 'rsd', acceptance: { kind: 'relaxed', tolerance: 1 } });
    await engine.close();
    expect(tokens.data).toEqual(direct.tokens);
    const stats = JSON.parse(await readFile(join(out, 'stats.json'), 'utf8'));
    expect(stats.calls).toHaveLength(3); // 4 + 4 + 3 rows
    expect(stats.summary.items).toBe(N);
    expect(stats.calls[0].relaxedAllowance).toHaveLength(dims.L);
  });

  it('refuses features of the wrong width naming the file and dims.F', async () => {
    const bad = join(root, 'bad.npy');
    await writeFile(bad, encodeNpy({ dtype: 'float32', shape: [2, dims.F + 1], data: new Float32Array(2 * (dims.F + 1)) }));
    await expect(runPredict({ bundle, features: bad, mode: 'rsd', acceptance: 'exact', out: join(root, 'o2') }, quiet)).rejects.toMatchObject({
      code: 'INVALID_INPUT',
      message: /dims\.F/,
    });
  });

  it('refuses a bad acceptance rule naming the flag', async () => {
    await expect(runPredict({ bundle, features: featuresFile, mode: 'rsd', acceptance: 'greedy', out: join(root, 'o3') }, quiet)).rejects.toThrowError(/--acceptance/);
  });
});

describe('runBench', () => {
  it('reports every configuration at every batch size with pass counts and overhead', async () => {
    const report = await runBench({ bundle, iterations: 3, warmup: 1, batches: [1, 2], tolerances: [1] }, quiet);
    const configs = ['baseline', 'rsd exact', 'rsd relaxed:1', 'jacobi exact', 'jacobi relaxed:1'];
    expect(report.rows.map((r) => `${r.batch} ${r.config}`)).toEqual([...configs.map((c) => `1 ${c}`), ...configs.map((c) => `2 ${c}`)]);
    for (const r of report.rows) {
      if (r.mode === 'baseline') {
        expect(r.mainPassesPerCall).toBe(dims.L);
        expect(r.decodeSpeedup).toBe(1);
      } else {
        expect(r.mainPassesPerCall).toBeLessThanOrEqual(dims.L);
        expect(r.acceptanceByLayer).toHaveLength(r.mode === 'rsd' ? dims.k : 0);
      }
      // one histogram entry per timed call, passes within 1..L
      expect(r.depth.passHistogram.reduce((a, b) => a + b, 0)).toBe(3);
      expect(r.depth.passHistogram[0]).toBe(0);
      expect(r.depth.passHistogram).toHaveLength(dims.L + 1);
      expect(r.perPass.ortMainMs).toBeGreaterThan(0);
      expect(Number.isFinite(r.perPass.fractionOfMainPass)).toBe(true);
      expect(r.overhead.ortMeanMs).toBeGreaterThan(0);
      expect(Number.isFinite(r.overhead.fractionOfOrt)).toBe(true);
    }
  });
});
