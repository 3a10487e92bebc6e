import type { BundleManifest } from '@rsd/heads';
import { createEmbeddedEnv, ScriptedExpert } from '@rsd/libero-bridge';
import { describe, expect, it } from 'vitest';
import { appliedPresets, PROPRIO_REBASE_PRESETS } from '../tools/proprio-rebase-presets.ts';

// The presets of tools/rebase-bundle-proprio.ts: on real embedded observations, the input affine
// maps today's proprio (eePos ‖ gripperQpos) back to what a bundle saw in training.
describe('proprio rebase presets', () => {
  it('old = new · scale + bias, on expert episodes, for every preset', async () => {
    const env = await createEmbeddedEnv({ imageSize: 8 });
    try {
      for (const preset of Object.values(PROPRIO_REBASE_PRESETS)) {
        let worst = 0;
        for (const taskId of [0, 4]) {
          let obs = await env.reset({ suite: 'embedded_spatial', taskId, initState: 1, seed: 0 });
          const expert = new ScriptedExpert(1);
          for (let t = 0; t < 60; t++) {
            const now = [...obs.eePos, ...obs.gripperQpos];
            const old = preset.oldProprio(env.sceneState(), obs);
            now.forEach((v, i) => (worst = Math.max(worst, Math.abs(v * preset.scale[i]! + preset.bias[i]! - old[i]!))));
            const r = await env.step(expert.act(env.sceneState()));
            obs = r.observation;
            if (r.success) break;
          }
        }
        expect(worst, preset.name).toBeLessThan(1e-7); // oldProprio is float32
      }
    } finally {
      await env.close();
    }
  });

  it('libero-gripper-2026-12 takes a libero bundle trained on the raw slides once, and refuses it rebased or trained after', () => {
    const preset = PROPRIO_REBASE_PRESETS['libero-gripper-2026-12']!;
    const manifest = (provenance: Record<string, unknown>, conventions: 'libero' | 'embedded-v0' = 'libero') =>
      ({ trainedOn: { env: 'embedded', suite: 'embedded_spatial', conventions }, provenance }) as unknown as BundleManifest;
    const trained = (fingers: [number, number]) => ({ teacher: { normalization: { proprioMean: [0, 0, 1.06, ...fingers] } } });
    expect(preset.refusal(manifest(trained([0.051, -0.051])))).toBeUndefined();
    expect(preset.refusal(manifest(trained([0.031, -0.031])))).toMatch(/trained after the change/);
    const rebased = { ...trained([0.051, -0.051]), proprioRebase: { preset: 'libero-gripper-2026-12', previous: { from: 'embedded-v0' } } };
    expect(appliedPresets(manifest(rebased))).toEqual(['embedded-v0', 'libero-gripper-2026-12']);
    expect(preset.refusal(manifest(rebased))).toMatch(/already/);
    expect(preset.refusal(manifest({}, 'embedded-v0'))).toMatch(/--preset embedded-v0/);
  });
});
