import { onnxBackboneOf } from '@rsd/heads';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadEngine } from '@rsd/rsd-engine';
import { EMBEDDED_SPATIAL_TASKS } from '@rsd/libero-bridge';
import { afterAll, describe, expect, test } from 'vitest';
import { runTrainDefault } from './run-train-default.ts';
import { SMOKE_CONFIG } from './train-default-config.ts';

const dirs: string[] = [];
afterAll(async () => {
  await Promise.all(dirs.map((d) => rm(d, { recursive: true, force: true })));
});

async function smokeRun(): Promise<{
  out: string;
  manifest: Awaited<ReturnType<typeof runTrainDefault>>['manifest'];
  result: Awaited<ReturnType<typeof runTrainDefault>>;
}> {
  const dir = await mkdtemp(join(tmpdir(), 'train-default-'));
  dirs.push(dir);
  const out = join(dir, 'bundle');
  const result = await runTrainDefault({ config: SMOKE_CONFIG, out }, { log: () => undefined });
  return { out, manifest: result.manifest, result };
}

describe('runTrainDefault (smoke config)', () => {
  test(
    'writes a bundle the engine loads and decodes with, with provenance, reproducibly',
    { timeout: 60_000 },
    async () => {
      const a = await smokeRun();
      const m = a.manifest;
      expect(m.backbone.image).toEqual({ height: SMOKE_CONFIG.imageSize, width: SMOKE_CONFIG.imageSize });
      expect(onnxBackboneOf(m, 'test').proprio).toEqual({ size: 5, fields: ['eePos', 'gripperQpos'] });
      expect(m.trainedOn).toEqual({ env: 'embedded', suite: 'embedded_spatial', conventions: 'libero' });
      expect(m.dims).toMatchObject({
        C: 8,
        A: 7,
        H: SMOKE_CONFIG.rfsq.latentDim,
        L: SMOKE_CONFIG.rfsq.layers,
        K: SMOKE_CONFIG.rfsq.levels,
        F: SMOKE_CONFIG.heads.F,
        k: SMOKE_CONFIG.heads.draftLayers,
      });
      const p = m.provenance as {
        commit: string;
        data: Record<string, unknown> & { demosSha256: string; samples: number };
        trainingSeconds: Record<string, number>;
        finalLosses: { policy: { valLoss: number } };
      };
      expect(p.commit).toMatch(/^[0-9a-f]{40}$|^unknown/);
      expect(p.data.demosSha256).toMatch(/^[0-9a-f]{64}$/);
      expect(p.data.samples).toBe(a.result.samples);
      expect(Object.keys(p.trainingSeconds)).toEqual(['demos', 'rfsq', 'dataset', 'policy', 'dagger-1-rollouts', 'dagger-1-train', 'draft']);
      // one DAgger round: every policy step of its one episode per task labelled, added to the demos' samples
      const rounds = p.data['daggerRounds'] as { round: number; episodes: number; samples: number }[];
      expect(rounds).toEqual([{ round: 1, episodes: SMOKE_CONFIG.tasks.length, successes: expect.any(Number), samples: expect.any(Number) }]);
      expect(rounds[0]!.samples).toBeGreaterThan(0);
      expect(p.data['daggerSamples']).toBe(rounds[0]!.samples);
      expect(p.data['demoSamples']).toBe(a.result.samples - rounds[0]!.samples);
      expect(Number.isFinite(p.finalLosses.policy.valLoss)).toBe(true);
      // the on-policy stage replaced the draft: rollouts recorded, one feature row per policy call
      const onPolicy = (m.provenance as { draftOnPolicy?: { episodes: number; samples: number; draftWidth: number } }).draftOnPolicy;
      expect(onPolicy).toMatchObject({ episodes: SMOKE_CONFIG.onPolicyDraft.episodesPerTask, draftWidth: SMOKE_CONFIG.onPolicyDraft.draftWidth });
      expect(onPolicy!.samples).toBeGreaterThan(0);
      expect(m.execution).toEqual(SMOKE_CONFIG.execution);
      // the engine accepts the bundle and decodes a chunk in both modes, identically in exact mode
      const engine = await loadEngine(a.out);
      try {
        const S = SMOKE_CONFIG.imageSize;
        const obs = {
          images: [{ width: S, height: S, data: new Uint8Array(S * S * 3).fill(90) }],
          instructions: [EMBEDDED_SPATIAL_TASKS[SMOKE_CONFIG.tasks[0]!]!.instruction],
          proprio: [Float32Array.from([0.5, 0, 0.3, 0.06, 0.06])],
        };
        const base = await engine.predict(obs, { mode: 'baseline', acceptance: { kind: 'exact' } });
        const rsd = await engine.predict(obs, { mode: 'rsd', acceptance: { kind: 'exact' } });
        expect(base.actions.length).toBe(8 * 7);
        expect(base.actions.every(Number.isFinite)).toBe(true);
        expect(rsd.tokens).toEqual(base.tokens);
      } finally {
        await engine.close();
      }
      // same seeds → the same data and byte-identical models
      const b = await smokeRun();
      expect((b.manifest.provenance as { data: unknown }).data).toEqual(p.data);
      expect(b.manifest.files).toEqual(m.files);
      expect(await readFile(join(b.out, 'backbone.onnx'))).toEqual(await readFile(join(a.out, 'backbone.onnx')));
    },
  );
});
