import { exportMainPrefixDraftOnnx, mainWeightsFromOnnx, onnxBackboneOf } from '@rsd/heads';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { createEmbeddedEnv, EMBEDDED_SPATIAL_NAME, EMBEDDED_SPATIAL_TASKS } from '@rsd/libero-bridge';
import { loadEngine } from '@rsd/rsd-engine';
import { describe, expect, it } from 'vitest';
import { checkBundle } from '../src/config/bundle-check.ts';
import { defaultBundleDir } from '../src/config/default-bundle-dir.ts';
import { proprioVector } from '../src/policy/observation-input.ts';

// The committed embedded-default bundle (models/embedded_spatial): what `nx run eval-cli:eval` runs.
describe('the shipped embedded_spatial bundle', () => {
  const dir = defaultBundleDir();

  it('is complete, validates, stays under 20 MB and records its provenance', () => {
    const { manifest } = checkBundle(dir);
    expect(manifest.name).toBe('embedded_spatial');
    const bytes = readdirSync(dir).reduce((s, f) => s + statSync(join(dir, f)).size, 0);
    expect(bytes).toBeLessThan(20 * 1024 * 1024);
    const p = manifest.provenance as Record<string, unknown> & { data: Record<string, unknown>; trainingSeconds: Record<string, number> };
    expect(p.commit).toMatch(/^[0-9a-f]{40}$/);
    expect(p.seeds).toBeDefined();
    expect(p.data.demosSha256).toMatch(/^[0-9a-f]{64}$/);
    expect(Object.keys(p.trainingSeconds)).toEqual(expect.arrayContaining(['demos', 'teacher', 'select', 'rfsq', 'heads']));
    expect(p.finalLosses).toBeDefined();
    expect(manifest.execution).toBeDefined();
    expect(manifest.trainedOn).toMatchObject({ env: 'embedded', suite: 'embedded_spatial', conventions: 'libero' });
    // the teacher the heads were distilled from ships with them, and its checkpoint was chosen closed loop
    expect(manifest.continuous?.description).toMatch(/teacher/);
    expect(p['pipeline']).toBe('@rsd/imitation train-default');
    const teacher = p['teacher'] as { selection: { epoch: number; successes: number }[]; chosenEpoch: number };
    expect(teacher.selection.length).toBeGreaterThan(0);
    expect(teacher.selection.map((r) => r.epoch)).toContain(teacher.chosenEpoch);
  });

  it('its draft is the main-prefix draft of its own main head, as the manifest says (byte for byte)', () => {
    const { manifest } = checkBundle(dir);
    const draft = (manifest.provenance as { draft?: { kind: string; layers: number } }).draft;
    expect(draft).toMatchObject({ kind: 'main-prefix', layers: manifest.dims.k });
    const { cfg, weights } = mainWeightsFromOnnx(readFileSync(join(dir, 'main.onnx')), join(dir, 'main.onnx'));
    const expected = exportMainPrefixDraftOnnx(cfg, weights, manifest.dims.k);
    expect(Buffer.compare(Buffer.from(expected), readFileSync(join(dir, 'draft.onnx')))).toBe(0);
  });

  it('decodes a real observation: exact RSD gives baseline’s tokens, finite actions near the data range', async () => {
    const engine = await loadEngine(dir, { log: () => undefined });
    const m = engine.manifest;
    const { image } = onnxBackboneOf(m, 'test');
    const env = await createEmbeddedEnv({ imageSize: { width: image.width, height: image.height } });
    try {
      for (const taskId of [0, 4, 9]) {
        const obs = await env.reset({ suite: EMBEDDED_SPATIAL_NAME, taskId, initState: 0, seed: 1 });
        const proprio = proprioVector(obs, m);
        const input = {
          images: [obs.agentviewRgb],
          instructions: [EMBEDDED_SPATIAL_TASKS[taskId]!.instruction],
          ...(proprio === undefined ? {} : { proprio: [proprio] }),
        };
        const base = await engine.predict(input, { mode: 'baseline', acceptance: { kind: 'exact' } });
        const rsd = await engine.predict(input, { mode: 'rsd', acceptance: { kind: 'exact' } });
        expect(rsd.tokens).toEqual(base.tokens);
        expect(rsd.actions).toEqual(base.actions);
        const teacher = await engine.predictContinuous(input);
        expect(Array.from(teacher.actions).every(Number.isFinite)).toBe(true);
        const { low, high } = m.actionNormalization;
        base.actions.forEach((a, i) => {
          const d = i % m.dims.A;
          // [low, high] spans the demos' 1st..99th percentiles: a decoded action may overshoot a little, not wildly
          expect(Number.isFinite(a)).toBe(true);
          expect(a).toBeGreaterThanOrEqual(low[d]! - 1e-4 - 0.5 * (high[d]! - low[d]!));
          expect(a).toBeLessThanOrEqual(high[d]! + 1e-4 + 0.5 * (high[d]! - low[d]!));
        });
      }
    } finally {
      await env.close();
      await engine.close();
    }
  }, 60_000);
});
