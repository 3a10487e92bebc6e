import { describe, expect, it } from 'vitest';
import { runRollouts } from './rollout.ts';
import { runRolloutsInWorker } from './run-rollouts-in-worker.ts';

describe('rollouts across threads', () => {
  const jobs = [
    { taskId: 1, initState: 2, expertSeed: 9, maxSteps: 12 },
    { taskId: 7, trainSeed: 3, expertSeed: 4, maxSteps: 12 },
  ];

  it('gives bit-identical episodes (images, poses, actions) in this thread and in a worker thread', async () => {
    const here = await runRollouts(jobs, { imageSize: 24 });
    const there = await runRolloutsInWorker(jobs, { imageSize: 24 });
    expect(there).toEqual(here);
    expect(here[0]?.digest).not.toBe(here[1]?.digest);
    expect(here.map((r) => r.origin)).toEqual(['eval:2', 'train:3']);
  });

  it('rejects a job naming both or neither initial-state source', async () => {
    await expect(runRollouts([{ taskId: 0, expertSeed: 0 }])).rejects.toThrow(TypeError);
    await expect(runRollouts([{ taskId: 0, initState: 0, trainSeed: 1, expertSeed: 0 }])).rejects.toThrow(/exactly one/);
  });
});
