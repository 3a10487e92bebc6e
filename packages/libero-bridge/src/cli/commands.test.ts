import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { RolloutJob } from '../embedded/rollout.ts';
import { runExpertEval } from './expert-eval-command.ts';
import { runRender } from './render-command.ts';

describe('render command', () => {
  const dirs: string[] = [];
  afterAll(async () => Promise.all(dirs.map((d) => rm(d, { recursive: true, force: true }))));

  it('writes a PNG of the task scene and names the instruction', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'rsd-render-'));
    dirs.push(dir);
    const out = join(dir, 'sub', 'frame.png');
    const result = await runRender({ task: 7, init: 3, out, size: 24 });
    expect(result).toMatchObject({ width: 24, height: 24, instruction: 'pick up the black bowl on the stove and place it on the plate' });
    const png = await readFile(out);
    expect([...png.subarray(1, 4)].map((c) => String.fromCharCode(c)).join('')).toBe('PNG');
    expect(png.length).toBe(result.bytes);
  });

  it('refuses an unknown task or initial state by code', async () => {
    await expect(runRender({ task: 10, init: 0, out: join(tmpdir(), 'x.png') })).rejects.toMatchObject({ code: 'UNKNOWN_TASK' });
    await expect(runRender({ task: 0, init: 50, out: join(tmpdir(), 'x.png'), size: 8 })).rejects.toMatchObject({ code: 'UNKNOWN_INIT_STATE' });
  });
});

describe('expert-eval command', () => {
  it('runs every (task, initial state) pair exactly once across workers and counts failures', async () => {
    const seen: RolloutJob[] = [];
    const result = await runExpertEval(
      { trials: 3, workers: 2 },
      {
        runJobs: async (jobs) => {
          seen.push(...jobs);
          return jobs.map((j) => ({ taskId: j.taskId, origin: `eval:${j.initState}`, success: !(j.taskId === 4 && j.initState === 1), steps: 50, digest: '' }));
        },
        now: (() => {
          let t = 0;
          return () => (t += 1000);
        })(),
      },
    );
    expect(seen).toHaveLength(30);
    expect(new Set(seen.map((j) => `${j.taskId}/${j.initState}`)).size).toBe(30);
    expect(result).toMatchObject({ episodes: 30, successes: 29, failures: ['task 4 eval:1'], meanSteps: 50 });
    expect(result.perTask[4]).toEqual({ taskId: 4, successes: 2, episodes: 3 });
  });

  it('refuses trials or workers out of range', async () => {
    await expect(runExpertEval({ trials: 51 })).rejects.toThrow(RangeError);
    await expect(runExpertEval({ workers: 0 })).rejects.toThrow(/workers/);
  });
});
