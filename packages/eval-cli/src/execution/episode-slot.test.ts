import { describe, expect, it } from 'vitest';
import { planEpisodes } from '../protocol/episode-job.ts';
import type { EpisodeRecord } from '../results/episode-record.ts';
import { CountingPolicy, ScriptedEnv } from '../testing/scripted-env.ts';
import { EpisodeSlot } from './episode-slot.ts';
import { InProcessExecutor } from './in-process-executor.ts';

const protocol = { suite: 'embedded_spatial', maxSteps: 8, waitSteps: 2, executeSteps: 8 };
const jobs = planEpisodes({ modes: ['baseline'], tasks: [0], trials: 4, seed: 7, video: 0 });

describe('EpisodeSlot', () => {
  it('turns a broken environment into one error record and rebuilds it for the next episode', async () => {
    let created = 0;
    const slot = new EpisodeSlot(
      {
        createEnv: async () => {
          created++;
          if (created === 2) throw new Error('server did not start');
          return new ScriptedEnv(created === 1 ? { failAt: 5 } : {});
        },
        createPolicy: async () => new CountingPolicy(),
      },
      protocol,
    );
    const records: EpisodeRecord[] = [];
    await new InProcessExecutor([slot]).runAll(jobs, (r) => records.push(r));
    expect(records.map((r) => r.status)).toEqual(['error', 'error', 'ok', 'ok']);
    expect(records[0]!.error).toBe('bridge died');
    expect(records[1]!.error).toBe('setup failed: server did not start');
    expect(records[1]!.task_description).toBe('');
    expect(records[2]!.task_description).toBe('pick up the bowl');
    expect(created).toBe(3);
  });

  it('stops the run when the policy cannot be loaded', async () => {
    const slot = new EpisodeSlot({ createEnv: async () => new ScriptedEnv(), createPolicy: async () => Promise.reject(new Error('sha256 mismatch')) }, protocol);
    await expect(new InProcessExecutor([slot]).runAll(jobs, () => {})).rejects.toMatchObject({ code: 'MODEL_LOAD_FAILED' });
  });

  it('stops the run when the environment lacks the suite', async () => {
    const slot = new EpisodeSlot({ createEnv: async () => new ScriptedEnv(), createPolicy: async () => new CountingPolicy() }, { ...protocol, suite: 'libero_goal' });
    await expect(new InProcessExecutor([slot]).runAll(jobs, () => {})).rejects.toThrow(/has no suite libero_goal/);
  });
});
