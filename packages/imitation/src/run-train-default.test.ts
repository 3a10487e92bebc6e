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
    { timeout: 120_000 },
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
        F: SMOKE_CONFIG.teacher.F,
        k: SMOKE_CONFIG.heads.draftLayers,
      });
      // the teacher's continuous head ships with the student
      expect(m.continuous?.description).toMatch(/teacher/);
      expect(Object.keys(m.files)).toContain('continuous.onnx');
      const p = m.provenance as {
        commit: string;
        data: Record<string, unknown> & { demosSha256: string; samples: number; headTargets: string };
        trainingSeconds: Record<string, number>;
        teacher: { history: { epoch: number; trainL1: number }[]; selection: { epoch: number; episodes: number }[]; chosenEpoch: number };
      };
      expect(p.commit).toMatch(/^[0-9a-f]{40}$|^unknown/);
      expect(p.data.demosSha256).toMatch(/^[0-9a-f]{64}$/);
      expect(p.data.samples).toBe(a.result.samples);
      expect(p.data.headTargets).toBe('teacher');
      expect(Object.keys(p.trainingSeconds)).toEqual(['demos', 'dataset', 'teacher', 'select', 'rfsq', 'features', 'heads']);
      expect(p.teacher.history.map((h) => h.epoch)).toEqual([1, 2]);
      expect(p.teacher.history.every((h) => Number.isFinite(h.trainL1))).toBe(true);
      // every selected snapshot (and the last epoch) ran closed loop on validation states
      expect(p.teacher.selection.map((r) => r.epoch)).toEqual([1, 2]);
      expect(p.teacher.selection.every((r) => r.episodes === SMOKE_CONFIG.tasks.length * SMOKE_CONFIG.teacher.select.trialsPerTask)).toBe(true);
      expect([1, 2]).toContain(p.teacher.chosenEpoch);
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
        // the teacher runs from the same bundle: backbone.onnx → continuous.onnx
        expect(engine.hasContinuous).toBe(true);
        const teacher = await engine.predictContinuous(obs);
        expect(teacher.actions.length).toBe(8 * 7);
        expect(Array.from(teacher.actions).every(Number.isFinite)).toBe(true);
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
