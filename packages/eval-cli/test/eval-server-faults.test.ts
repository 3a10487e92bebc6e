import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { EvalFlags } from '../src/cli/eval-flags.ts';
import { runEval } from '../src/commands/run-eval.ts';
import { EvalError } from '../src/errors/eval-error.ts';
import { episodeKey } from '../src/protocol/episode-job.ts';
import { readEpisodeLog } from '../src/results/episode-log.ts';
import type { EpisodeRecord } from '../src/results/episode-record.ts';
import { collectProgress, runCli, tempDir, tinyBundle } from './fixtures.ts';
import { KillableServer, refusingPort } from './killable-server.ts';

// Fault injection: real bridge servers (the stand-in `libero`, deterministic) on 127.0.0.1 in
// process groups of their own, killed (SIGKILL to the group: the server and its forked clients)
// while an evaluation runs on them. Small runs: 2 tasks x 2 trials x 2 modes, 16 policy steps.
const root = tempDir('faults');
let bundle = '';
const a = new KillableServer();
const b = new KillableServer();
let reference: Map<string, unknown>;

const flags = (out: string, env: string, more: Partial<EvalFlags> = {}): EvalFlags => ({ suite: 'libero_spatial', env, bundle, out, trials: '2', tasks: '0,1', maxSteps: '16', mode: 'both', workers: '2', video: 'none', ...more });

/** What must not depend on where or how often an episode ran. */
const outcomes = (records: readonly EpisodeRecord[]) =>
  new Map(records.map((r) => [episodeKey(r), { status: r.status, success: r.success, steps: r.steps, tokens: r.tokens_sha256, actions: r.actions_sha256 }] as const));

/** A progress sink that calls `onLine` with every line (episode lines start with `[mode `). */
function watch(onLine: (line: string, episodes: number) => void) {
  let episodes = 0;
  let text = '';
  return {
    isTTY: false as const,
    write(s: string) {
      text += s;
      for (const line of s.split('\n').filter((l) => l !== '')) {
        if (/^\[(baseline|rsd) /.test(line)) episodes++;
        onLine(line, episodes);
      }
    },
    text: () => text,
  };
}

beforeAll(async () => {
  bundle = await tinyBundle(root);
  await Promise.all([a.start(), b.start()]);
  const out = join(root, 'reference');
  const r = await runEval(flags(out, `${a.url},${b.url}`), { progress: collectProgress() });
  expect(r.errors).toBe(0);
  reference = outcomes(readEpisodeLog(join(out, 'episodes.jsonl')));
  expect(reference.size).toBe(8);
}, 120_000);

afterAll(async () => {
  await Promise.all([a.kill(), b.kill()]);
});

describe('evaluation that survives its LIBERO servers', () => {
  it('one of two servers killed mid-run: no episode lost, every record equals the uninterrupted run', async () => {
    const out = join(root, 'kill-one');
    let killed = false;
    const progress = watch((_line, episodes) => {
      if (!killed && episodes >= 1) {
        killed = true;
        void b.kill();
      }
    });
    const r = await runEval(flags(out, `${a.url},${b.url}`), { progress });
    expect(killed).toBe(true);
    expect(r.errors).toBe(0);
    const records = readEpisodeLog(join(out, 'episodes.jsonl'));
    expect(records).toHaveLength(8);
    expect(outcomes(records)).toEqual(reference);
    const retried = records.filter((x) => (x.attempts ?? 1) > 1);
    expect(retried.length).toBeGreaterThan(0);
    for (const x of retried) expect(x).toMatchObject({ endpoint: a.url, retried: [{ endpoint: b.url }] });
    expect(progress.text()).toMatch(new RegExp(`LIBERO server ${b.url} is down`));
    await b.start();
  }, 120_000);

  it('both servers killed: the run stops with SERVERS_DOWN naming them, keeps what finished, and --resume after a restart completes it', async () => {
    const out = join(root, 'kill-both');
    let killed = false;
    const progress = watch((_line, episodes) => {
      if (!killed && episodes >= 2) {
        killed = true;
        void Promise.all([a.kill(), b.kill()]);
      }
    });
    const e = await runEval(flags(out, `${a.url},${b.url}`, { serverWait: '1' }), { progress }).then(
      () => undefined,
      (x: unknown) => x,
    );
    expect(EvalError.isInstance(e), String(e)).toBe(true);
    expect((e as EvalError).code).toBe('SERVERS_DOWN');
    expect((e as EvalError).message).toContain(a.url);
    expect((e as EvalError).message).toContain(b.url);
    expect((e as EvalError).message).toMatch(/last error: .*(IO_ERROR|SERVER_DIED).*--resume/s);
    const kept = readEpisodeLog(join(out, 'episodes.jsonl'));
    expect(kept.length).toBeGreaterThanOrEqual(2);
    expect(kept.length).toBeLessThan(8);
    expect(kept.every((x) => x.status === 'ok')).toBe(true);
    expect(existsSync(join(out, 'results_baseline.json'))).toBe(false);

    await Promise.all([a.start(), b.start()]);
    const r = await runEval({ resume: out }, { progress: collectProgress() });
    expect(r.errors).toBe(0);
    expect(r.skipped).toBe(kept.length);
    expect(outcomes(readEpisodeLog(join(out, 'episodes.jsonl')))).toEqual(reference);
  }, 120_000);

  it('restarted servers (same address) rejoin: with both down the run waits, and completes when they answer again', async () => {
    const out = join(root, 'rejoin');
    let killed = false;
    let restarted = false;
    const progress = watch((line, episodes) => {
      if (!killed && episodes >= 1) {
        killed = true;
        void Promise.all([a.kill(), b.kill()]);
      } else if (killed && !restarted && /is down/.test(line)) {
        restarted = true;
        void Promise.all([a.start(), b.start()]);
      }
    });
    const r = await runEval(flags(out, `${a.url},${b.url}`, { serverWait: '60' }), { progress });
    expect(restarted).toBe(true);
    expect(r.errors).toBe(0);
    expect(outcomes(readEpisodeLog(join(out, 'episodes.jsonl')))).toEqual(reference);
    expect(progress.text()).toMatch(/answers again after .* back in the rotation/);
  }, 120_000);

  it('start-up: a server that refuses is a warning when another answers; none answering is a setup fault (exit 4)', async () => {
    const dead = `tcp://127.0.0.1:${await refusingPort()}`;
    const out = join(root, 'one-refuses');
    const progress = collectProgress();
    const r = await runEval(flags(out, `${dead},${a.url}`, { trials: '1', tasks: '0', mode: 'rsd' }), { progress });
    expect(r.errors).toBe(0);
    expect(progress.text()).toMatch(new RegExp(`warning: LIBERO server ${dead} does not answer \\(IO_ERROR: .*ECONNREFUSED`));
    expect(readEpisodeLog(join(out, 'episodes.jsonl')).map((x) => x.endpoint)).toEqual([a.url]);

    const dead2 = `tcp://127.0.0.1:${await refusingPort()}`;
    const none = join(root, 'none-answers');
    const cli = await runCli(['--suite', 'libero_spatial', '--env', `${dead},${dead2}`, '--bundle', bundle, '--out', none, '--trials', '1', '--tasks', '0']);
    expect(cli.code).toBe(4);
    expect(cli.stderr).toMatch(/error \[SETUP_FAILED\]: no LIBERO server answers: .*ECONNREFUSED/);
    expect(readEpisodeLog(join(none, 'episodes.jsonl'))).toEqual([]);
  }, 120_000);
});
