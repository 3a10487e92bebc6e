import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createEmbeddedEnv, type EmbeddedEnv } from '../embedded/embedded-env.ts';
import { drawInitState } from '../embedded/init-states.ts';
import { labelChunk } from './label-chunk.ts';
import { ScriptedExpert } from './scripted-expert.ts';

const clean = (seed: number) => new ScriptedExpert(seed, { noise: 0 });

describe('saveState / restoreState / labelChunk', () => {
  let env: EmbeddedEnv;
  beforeAll(async () => {
    env = await createEmbeddedEnv({ imageSize: 16 });
  });
  afterAll(() => env.close());

  it('property: after restore the episode steps bit-identically to the continuation that followed the save', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 0, max: 9 }),
        fc.integer({ min: 0, max: 1000 }),
        fc.array(fc.array(fc.double({ min: -1, max: 1, noNaN: true }), { minLength: 7, maxLength: 7 }), { minLength: 1, maxLength: 6 }),
        fc.array(fc.array(fc.double({ min: -1, max: 1, noNaN: true }), { minLength: 7, maxLength: 7 }), { minLength: 1, maxLength: 4 }),
        async (taskId, k, before, after) => {
          await env.resetTo(drawInitState(taskId, k));
          for (const a of before) await env.step(a);
          const saved = env.saveState();
          const first = [];
          for (const a of after) first.push(await env.step(a));
          // wander off, then come back
          for (const a of before) env.advance(a);
          env.restoreState(saved);
          for (const [i, a] of after.entries()) {
            const r = await env.step(a);
            expect(r.success).toBe(first[i]!.success);
            expect([...r.observation.eePos]).toEqual([...first[i]!.observation.eePos]);
            expect([...r.observation.agentviewRgb.data]).toEqual([...first[i]!.observation.agentviewRgb.data]);
          }
        },
      ),
      { numRuns: 15 },
    );
  });

  it("labels a state with the actions the expert takes from it, and leaves the episode where it was", async () => {
    await env.resetTo(drawInitState(2, 5));
    for (let t = 0; t < 20; t++) await env.step(clean(3).act(env.sceneState()));
    const before = env.physicsState();
    const label = labelChunk(env, clean(3), 8);
    expect([...env.physicsState()]).toEqual([...before]);
    // the same 8 steps, really taken
    const taken: number[] = [];
    for (let t = 0; t < 8; t++) {
      const a = clean(3).act(env.sceneState());
      taken.push(...a);
      await env.step(a);
    }
    expect([...label]).toEqual(taken);
  });

  it('repeats the solving action once the task is solved inside the chunk', async () => {
    await env.resetTo(drawInitState(0, 1));
    const expert = clean(1);
    let t = 0;
    // run the expert until 3 steps before it solves the task (found by labelling ahead)
    for (; t < 300; t++) {
      const probe = env.saveState();
      let solvedIn = -1;
      for (let i = 0; i < 3 && solvedIn < 0; i++) if (env.advance(expert.act(env.sceneState()))) solvedIn = i;
      env.restoreState(probe);
      if (solvedIn >= 0) break;
      await env.step(expert.act(env.sceneState()));
    }
    expect(t).toBeLessThan(300);
    const label = labelChunk(env, expert, 8);
    const rows = Array.from({ length: 8 }, (_, i) => [...label.subarray(i * 7, i * 7 + 7)]);
    const solving = rows.findIndex((_, i) => i < 3 && rows.slice(i).every((r) => r.join() === rows[i]!.join()));
    expect(solving).toBeGreaterThanOrEqual(0);
    expect(rows[7]).toEqual(rows[solving]);
  });

  it('refuses a snapshot of another task and a chunk of 0 steps', async () => {
    await env.resetTo(drawInitState(1, 0));
    const s = env.saveState();
    await env.resetTo(drawInitState(4, 0));
    expect(() => env.restoreState(s)).toThrow(/task 1 cannot be restored into task 4/);
    expect(() => labelChunk(env, clean(0), 0)).toThrow(RangeError);
  });
});
