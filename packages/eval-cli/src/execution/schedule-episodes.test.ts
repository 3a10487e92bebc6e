import { BridgeError, type Action, type StepResult } from '@rsd/libero-bridge';
import { describe, expect, it } from 'vitest';
import { episodeKey, planEpisodes } from '../protocol/episode-job.ts';
import type { PolicyRequest } from '../policy/policy.ts';
import type { EpisodeRecord } from '../results/episode-record.ts';
import { CountingPolicy, ScriptedEnv } from '../testing/scripted-env.ts';
import { EndpointPool } from './endpoint-pool.ts';
import { EpisodeSlot } from './episode-slot.ts';
import { InProcessExecutor } from './in-process-executor.ts';

const protocol = { suite: 'embedded_spatial', maxSteps: 12, waitSteps: 2, executeSteps: 4 };
const jobs = planEpisodes({ modes: ['baseline', 'rsd'], tasks: [0], trials: 3, seed: 7, video: 0 });

/** In-memory "servers": an env on a server that is down throws as the bridge does. */
class Servers {
  readonly up = new Set<string>();
  /** Kills `url` when the env steps for the `at`-th time overall (counting every server). */
  killAt: { url: string; at: number } | undefined;
  steps = 0;

  env(url: string | undefined): ScriptedEnv {
    if (url !== undefined && !this.up.has(url)) throw new BridgeError('IO_ERROR', `could not connect to ${url}: connect ECONNREFUSED`);
    const beforeStep = () => {
      this.steps++;
      if (this.killAt !== undefined && this.steps === this.killAt.at) this.up.delete(this.killAt.url);
      if (url !== undefined && !this.up.has(url)) throw new BridgeError('SERVER_DIED', `step: the python server ${url} died: the server closed the connection`);
    };
    return new (class extends ScriptedEnv {
      override async step(action: Action): Promise<StepResult> {
        beforeStep();
        return super.step(action);
      }
    })();
  }

  probe = async (url: string) => {
    if (!this.up.has(url)) throw new BridgeError('IO_ERROR', `could not connect to ${url}: connect ECONNREFUSED`);
  };
}

/** A policy whose chunk depends on the call's seed alone (as the engine's output depends on its input alone). */
class SeededPolicy extends CountingPolicy {
  override act(request: PolicyRequest) {
    this.calls = request.seed % 97;
    return super.act(request);
  }
}

function slots(servers: Servers, n: number, failAt?: number): EpisodeSlot[] {
  return Array.from({ length: n }, () => new EpisodeSlot({ createEnv: async (url) => (failAt === undefined ? servers.env(url) : new ScriptedEnv({ failAt })), createPolicy: async () => new SeededPolicy() }, protocol));
}

async function run(servers: Servers, options: { attempts?: number; endpoints?: EndpointPool; failAt?: number; log?: (line: string) => void }): Promise<EpisodeRecord[]> {
  const records: EpisodeRecord[] = [];
  const executor = new InProcessExecutor(slots(servers, 2, options.failAt));
  await executor.runAll(jobs, (r) => records.push(r), { ...(options.attempts === undefined ? {} : { attempts: options.attempts }), ...(options.endpoints === undefined ? {} : { endpoints: options.endpoints }), ...(options.log === undefined ? {} : { log: options.log }) });
  await executor.close();
  return records.sort((a, b) => episodeKey(a).localeCompare(episodeKey(b)));
}

const outcome = (r: EpisodeRecord) => ({ key: episodeKey(r), status: r.status, success: r.success, steps: r.steps, tokens: r.tokens_sha256, actions: r.actions_sha256 });

describe('scheduleEpisodes', () => {
  it('an episode whose server dies runs again on the other one: no error, the same record as an uninterrupted run', async () => {
    const a = 'tcp://127.0.0.1:1';
    const b = 'tcp://127.0.0.1:2';
    const calm = new Servers();
    calm.up.add(a).add(b);
    const calmPool = new EndpointPool({ endpoints: [a, b], probe: calm.probe, serverWaitMs: 1000 });
    await calmPool.start();
    const reference = await run(calm, { endpoints: calmPool });
    calmPool.close();

    const stormy = new Servers();
    stormy.up.add(a).add(b);
    stormy.killAt = { url: b, at: 20 };
    const lines: string[] = [];
    const pool = new EndpointPool({ endpoints: [a, b], probe: stormy.probe, serverWaitMs: 1000, backoff: { initialMs: 10_000, maxMs: 10_000 }, log: (l) => lines.push(l) });
    await pool.start();
    const records = await run(stormy, { endpoints: pool, log: (l) => lines.push(l) });
    pool.close();

    expect(records.map(outcome)).toEqual(reference.map(outcome));
    expect(records.every((r) => r.status === 'ok')).toBe(true);
    const retried = records.filter((r) => (r.attempts ?? 1) > 1);
    expect(retried).toHaveLength(1);
    expect(retried[0]).toMatchObject({ attempts: 2, endpoint: a, retried: [{ endpoint: b, error_code: 'SERVER_DIED' }] });
    expect(records.filter((r) => r.attempts === 1).length).toBe(jobs.length - 1);
    expect(lines.join('\n')).toMatch(/attempt 1 of 3 failed on tcp:\/\/127.0.0.1:2 \(SERVER_DIED/);
    expect(pool.alive).toEqual([a]);
  });

  it('stops retrying after --attempts runs: the error is recorded with its attempts', async () => {
    const servers = new Servers();
    const died = await run(servers, { attempts: 2, failAt: 5 });
    // ScriptedEnv's failAt is a plain Error, not the bridge's: the environment's own error, final at once
    expect(died.every((r) => r.status === 'error' && r.attempts === 1)).toBe(true);

    const a = 'tcp://127.0.0.1:1';
    servers.up.add(a);
    const pool = new EndpointPool({ endpoints: [a], probe: async () => {}, serverWaitMs: 1000 });
    await pool.start();
    servers.killAt = { url: a, at: 1 };
    // the server "dies" on every step but its probe answers: every episode exhausts its 2 attempts
    const records = await run(servers, { attempts: 2, endpoints: pool });
    pool.close();
    expect(records).toHaveLength(jobs.length);
    for (const r of records) expect(r).toMatchObject({ status: 'error', error_code: 'IO_ERROR', attempts: 2, retried: [{ endpoint: a }] });
  });

  it('with every server down for longer than serverWaitMs the run rejects with SERVERS_DOWN; finished records are kept', async () => {
    const a = 'tcp://127.0.0.1:1';
    const servers = new Servers();
    servers.up.add(a);
    servers.killAt = { url: a, at: 30 };
    const pool = new EndpointPool({ endpoints: [a], probe: servers.probe, serverWaitMs: 50, backoff: { initialMs: 5, maxMs: 10 } });
    await pool.start();
    const records: EpisodeRecord[] = [];
    const executor = new InProcessExecutor(slots(servers, 1));
    await expect(executor.runAll(jobs, (r) => records.push(r), { endpoints: pool })).rejects.toMatchObject({ code: 'SERVERS_DOWN' });
    pool.close();
    await executor.close();
    expect(records.length).toBeGreaterThan(0);
    expect(records.length).toBeLessThan(jobs.length);
    expect(records.every((r) => r.status === 'ok')).toBe(true);
  });
});
