// What a LIBERO server dying mid-run costs: runs the same evaluation twice over N bridge servers
// on the stand-in `libero` (127.0.0.1, each in its own process group), once undisturbed and once
// with K of them killed (SIGKILL to the group) --kill-after-s seconds into the run, and prints JSON:
// episodes, errors, episodes lost, retried attempts, whether every record's outcome, steps and
// token/action hashes equal the undisturbed run's, the worker time spent in abandoned attempts,
// and both wall times. `--repeat r` alternates r such pairs (the machine's load drifts) and also
// prints the medians.
// usage: npx tsx --conditions=@rsd/source tools/server-fault-bench.ts [--servers 2] [--kill 1]
//          [--kill-after-s 22] [--tasks 0,1] [--trials 10] [--mode both] [--max-steps n] [--bundle dir] [--repeat 1]
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import type { EvalFlags } from '../src/cli/eval-flags.ts';
import { runEval } from '../src/commands/run-eval.ts';
import { episodeKey } from '../src/protocol/episode-job.ts';
import { readEpisodeLog } from '../src/results/episode-log.ts';
import { KillableServer } from '../test/killable-server.ts';

const { values: v } = parseArgs({
  options: {
    servers: { type: 'string', default: '2' },
    kill: { type: 'string', default: '1' },
    'kill-after-s': { type: 'string', default: '22' },
    tasks: { type: 'string', default: '0,1' },
    trials: { type: 'string', default: '10' },
    mode: { type: 'string', default: 'both' },
    'max-steps': { type: 'string' },
    bundle: { type: 'string' },
    repeat: { type: 'string', default: '1' },
  },
});
const n = Number(v.servers);
const k = Number(v.kill);
if (!(n >= 1 && k >= 0 && k <= n)) throw new Error('--servers n >= 1 and 0 <= --kill k <= n');
const root = mkdtempSync(join(tmpdir(), 'server-fault-bench-'));
const servers = Array.from({ length: n }, () => new KillableServer());
await Promise.all(servers.map((s) => s.start()));
const env = servers.map((s) => s.url).join(',');
const base: EvalFlags = {
  suite: 'libero_spatial',
  env,
  tasks: v.tasks,
  trials: v.trials,
  mode: v.mode,
  workers: String(n),
  video: 'none',
  ...(v['max-steps'] === undefined ? {} : { maxSteps: v['max-steps'] }),
  ...(v.bundle === undefined ? {} : { bundle: v.bundle }),
};
const quiet = { isTTY: false, write: (s: string) => void (/^\[(baseline|rsd|jacobi) /.test(s) ? undefined : process.stderr.write(s)) };

async function run(name: string, disturb: boolean) {
  const out = join(root, name);
  const timer = disturb
    ? setTimeout(() => {
        process.stderr.write(`-- killing ${servers.slice(n - k).map((s) => s.url).join(', ')}\n`);
        void Promise.all(servers.slice(n - k).map((s) => s.kill()));
      }, 1000 * Number(v['kill-after-s']))
    : undefined;
  const t0 = performance.now();
  let code = 'ok';
  try {
    await runEval({ ...base, out }, { progress: quiet });
  } catch (error) {
    code = (error as { code?: string }).code ?? 'error';
  }
  const wall = (performance.now() - t0) / 1000;
  clearTimeout(timer);
  const records = readEpisodeLog(join(out, 'episodes.jsonl'));
  return { out, code, wall, records };
}

const median = (xs: number[]) => [...xs].sort((x, y) => x - y)[Math.floor((xs.length - 1) / 2)]!;
try {
  const pairs = [];
  for (let i = 0; i < Number(v.repeat); i++) {
    const reference = await run(`undisturbed-${i}`, false);
    const faulty = await run(`killed-${i}`, true);
    // the killed servers come back for the next pair
    await Promise.all(servers.filter((s) => !s.running).map((s) => s.start()));
    const want = new Map(reference.records.map((r) => [episodeKey(r), r]));
    const same = faulty.records.filter((r) => {
      const w = want.get(episodeKey(r));
      return w !== undefined && r.status === w.status && r.success === w.success && r.steps === w.steps && r.tokens_sha256 === w.tokens_sha256 && r.actions_sha256 === w.actions_sha256;
    }).length;
    const planned = reference.records.length;
    pairs.push({
      episodes: planned,
      undisturbed: { wall_s: Number(reference.wall.toFixed(1)), errors: reference.records.filter((r) => r.status === 'error').length, outcome: reference.code },
      killed_run: {
        wall_s: Number(faulty.wall.toFixed(1)),
        outcome: faulty.code,
        finished_ok: faulty.records.filter((r) => r.status === 'ok').length,
        errors: faulty.records.filter((r) => r.status === 'error').length,
        episodes_lost: planned - faulty.records.filter((r) => r.status === 'ok').length,
        retried_episodes: faulty.records.filter((r) => (r.attempts ?? 1) > 1).length,
        failed_attempts: faulty.records.reduce((s, r) => s + (r.attempts ?? 1) - 1, 0),
        abandoned_attempt_s: Number((faulty.records.flatMap((r) => r.retried ?? []).reduce((s, f) => s + (f.episode_ms ?? 0), 0) / 1000).toFixed(2)),
        records_equal_to_undisturbed: `${same}/${faulty.records.length}`,
      },
      extra_wall_s: Number((faulty.wall - reference.wall).toFixed(1)),
    });
  }
  console.log(
    JSON.stringify(
      {
        servers: n,
        killed: k,
        kill_after_s: Number(v['kill-after-s']),
        flags: base,
        pairs,
        median: {
          undisturbed_wall_s: median(pairs.map((p) => p.undisturbed.wall_s)),
          killed_wall_s: median(pairs.map((p) => p.killed_run.wall_s)),
          extra_wall_s: median(pairs.map((p) => p.extra_wall_s)),
          episodes_lost_max: Math.max(...pairs.map((p) => p.killed_run.episodes_lost)),
        },
        out: root,
      },
      null,
      2,
    ),
  );
} finally {
  await Promise.all(servers.map((s) => s.kill()));
}
