import { describe, expect, it } from 'vitest';
import { fixedInitState } from '../embedded/init-states.ts';
import { loadMujocoModule } from '../embedded/mujoco-runtime.ts';
import { runRollouts } from '../embedded/rollout.ts';
import { SpatialScene } from '../embedded/spatial-scene.ts';
import { isSuccess } from '../embedded/success.ts';
import { Prng } from '../embedded/prng.ts';
import { ScriptedExpert } from './scripted-expert.ts';

describe('ScriptedExpert', () => {
  it('solves a drawer, a cabinet-top and a table task from fixed initial states', async () => {
    const results = await runRollouts([
      { taskId: 4, initState: 11, expertSeed: 1 },
      { taskId: 9, initState: 23, expertSeed: 2 },
      { taskId: 0, initState: 42, expertSeed: 3 },
    ]);
    expect(results.map((r) => r.success)).toEqual([true, true, true]);
    expect(results.every((r) => r.steps < 220)).toBe(true);
  });

  it('recovers from a state it did not produce (random actions first, then the expert labels)', async () => {
    const scene = SpatialScene.create(await loadMujocoModule());
    try {
      scene.reset(fixedInitState(6, 5));
      const rng = new Prng(77);
      for (let i = 0; i < 15; i++) scene.step(Float64Array.from({ length: 7 }, (_, k) => (k < 3 ? rng.uniform(-0.4, 0.4) : k === 6 ? 1 : 0)));
      const expert = new ScriptedExpert(8);
      let steps = 0;
      while (!isSuccess(scene.state()) && steps < 220) {
        scene.step(expert.act(scene.state()));
        steps++;
      }
      expect(isSuccess(scene.state())).toBe(true);
    } finally {
      scene.dispose();
    }
  });

  it('is seeded: same seed and state give the same action, another seed a different style', () => {
    expect(new ScriptedExpert(5).style).toEqual(new ScriptedExpert(5).style);
    expect(new ScriptedExpert(5).style).not.toEqual(new ScriptedExpert(6).style);
  });
});
