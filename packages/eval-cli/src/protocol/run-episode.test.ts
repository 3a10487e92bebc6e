import { describe, expect, it } from 'vitest';
import { CountingPolicy, ScriptedEnv } from '../testing/scripted-env.ts';
import type { EpisodeJob } from './episode-job.ts';
import { NOOP_ACTION, runEpisode } from './run-episode.ts';

const job: EpisodeJob = { mode: 'rsd', taskId: 0, trial: 3, seed: 99, video: false };
const protocol = { suite: 'embedded_spatial', maxSteps: 20, waitSteps: 10, executeSteps: 5 };
let clock = 0;
const now = () => (clock += 1);

describe('runEpisode', () => {
  it('resets to init state = trial with the episode seed, waits with no-ops, then executes chunks', async () => {
    const env = new ScriptedEnv();
    const policy = new CountingPolicy(8);
    const { record, broken } = await runEpisode(env, policy, job, { instruction: 'pick up the bowl' }, protocol, { now });
    expect(broken).toBe(false);
    expect(env.resets).toEqual([{ suite: 'embedded_spatial', taskId: 0, initState: 3, seed: 99 }]);
    expect(env.actions.slice(0, 10)).toEqual(Array.from({ length: 10 }, () => NOOP_ACTION));
    // 20 policy steps in chunks of 5 executed actions: 4 calls, call n's actions carry n/100
    expect(policy.calls).toBe(4);
    expect(env.actions.slice(10).map((a) => Math.round(a[0]! * 100))).toEqual([0, 0, 0, 0, 0, 1, 1, 1, 1, 1, 2, 2, 2, 2, 2, 3, 3, 3, 3, 3]);
    expect(record).toMatchObject({ status: 'ok', success: false, steps: 20, trial: 3, seed: 99, mode: 'rsd' });
    expect(record.inference_ms).toHaveLength(4);
    expect(record.acceptance.accepted_histogram).toEqual([1, 1, 1, 1]);
    expect(record.acceptance.accepted_layers).toBe(0 + 1 + 2 + 3);
    expect(policy.requests.every((r) => r.instruction === 'pick up the bowl' && r.mode === 'rsd')).toBe(true);
    expect(new Set(policy.requests.map((r) => r.seed)).size).toBe(4);
  });

  it('ends at the environment success signal', async () => {
    const env = new ScriptedEnv({ successAt: 10 + 7 });
    const { record } = await runEpisode(env, new CountingPolicy(), job, { instruction: 'x' }, protocol, { now });
    expect(record).toMatchObject({ status: 'ok', success: true, steps: 7 });
    expect(record.inference_ms).toHaveLength(2);
  });

  it('never executes more than the step limit', async () => {
    const env = new ScriptedEnv();
    const { record } = await runEpisode(env, new CountingPolicy(8), job, { instruction: 'x' }, { ...protocol, maxSteps: 13, executeSteps: 8 }, { now });
    expect(record.steps).toBe(13);
    expect(env.actions).toHaveLength(23);
  });

  it('records an infrastructure failure as error with the reason, not as a failure', async () => {
    const env = new ScriptedEnv({ failAt: 14 });
    const { record, broken } = await runEpisode(env, new CountingPolicy(), job, { instruction: 'x' }, protocol, { now });
    expect(broken).toBe(true);
    expect(record).toMatchObject({ status: 'error', success: false, error: 'bridge died', error_code: 'SERVER_DIED', steps: 3 });
  });

  it('gives the same tokens and actions hashes for the same episode', async () => {
    const a = await runEpisode(new ScriptedEnv(), new CountingPolicy(), job, { instruction: 'x' }, protocol, { now });
    const b = await runEpisode(new ScriptedEnv(), new CountingPolicy(), job, { instruction: 'x' }, protocol, { now });
    expect(a.record.tokens_sha256).toBe(b.record.tokens_sha256);
    expect(a.record.actions_sha256).toBe(b.record.actions_sha256);
    const c = await runEpisode(new ScriptedEnv(), new CountingPolicy(), job, { instruction: 'x' }, { ...protocol, executeSteps: 4 }, { now });
    expect(c.record.actions_sha256).not.toBe(a.record.actions_sha256);
  });

  it('temporal ensemble: a call every step, each step the weighted mean of the chunks covering it', async () => {
    const env = new ScriptedEnv();
    const policy = new CountingPolicy(8);
    const ens = { ...protocol, executeSteps: 1, ensemble: { kind: 'temporal', decay: 0 } as const };
    const { record } = await runEpisode(env, policy, job, { instruction: 'x' }, ens, { now });
    expect(record.steps).toBe(20);
    expect(policy.calls).toBe(20);
    // call n votes n/100 for all of its 8 steps; decay 0 = plain mean of calls max(0, t-7)..t
    const expected = Array.from({ length: 20 }, (_, t) => (Math.max(0, t - 7) + t) / 2);
    env.actions.slice(10).forEach((a, t) => expect(a[0]! * 100).toBeCloseTo(expected[t]!, 4));
    // open-loop execution of the same calls runs different actions
    const open = await runEpisode(new ScriptedEnv(), new CountingPolicy(8), job, { instruction: 'x' }, { ...protocol, executeSteps: 1 }, { now });
    expect(open.record.actions_sha256).not.toBe(record.actions_sha256);
  });
});
