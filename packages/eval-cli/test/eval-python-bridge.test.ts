import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { spawnPythonTcpServer, type PythonTcpServer } from '@rsd/libero-bridge';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runEval } from '../src/commands/run-eval.ts';
import { EvalError } from '../src/errors/eval-error.ts';
import { readEpisodeLog } from '../src/results/episode-log.ts';
import { collectProgress, STAND_IN_PYTHONPATH, tempDir, tinyBundle } from './fixtures.ts';

// The real Python bridge server driven through real child processes and sockets, with the
// bridge's stand-in `libero` package on PYTHONPATH (not LIBERO: synthetic observations).
const root = tempDir('python');
let bundle = '';
const savedPath = process.env.PYTHONPATH;
const servers: PythonTcpServer[] = [];

beforeAll(async () => {
  bundle = await tinyBundle(root);
  process.env.PYTHONPATH = STAND_IN_PYTHONPATH;
  process.env.PYTHONDONTWRITEBYTECODE = '1';
}, 60_000);

afterAll(async () => {
  process.env.PYTHONPATH = savedPath;
  await Promise.all(servers.map((s) => s.close()));
});

/** pids of this process's bridge server children. */
function serverChildren(): number[] {
  const out = execFileSync('ps', ['-o', 'pid=,args=', '--ppid', String(process.pid)], { encoding: 'utf8' });
  return out
    .split('\n')
    .filter((l) => l.includes('rsd_libero_server'))
    .map((l) => Number(l.trim().split(/\s+/)[0]));
}

/** A progress sink that, after the first finished episode, kills the server the next episode runs on. */
function killerProgress() {
  const state = { killed: 0, isTTY: false as const, text: '' };
  return Object.assign(state, {
    write(line: string) {
      state.text += line;
      if (state.killed === 0 && /^\[(baseline|rsd) /.test(line)) {
        const pids = serverChildren();
        if (pids.length > 0) {
          process.kill(pids[0]!, 'SIGKILL');
          state.killed = pids[0]!;
        }
      }
    },
  });
}

describe('eval through the Python bridge', () => {
  it('a bridge killed mid-run: the episode runs again from its start on a fresh server, no error', async () => {
    const out = join(root, 'killed-bridge-retried');
    const progress = killerProgress();
    const r = await runEval({ suite: 'libero_spatial', env: 'python', bundle, out, trials: '2', tasks: '0', maxSteps: '24', workers: '1', video: 'none' }, { progress });
    expect(progress.killed).toBeGreaterThan(0);
    expect(r.errors).toBe(0);
    const records = readEpisodeLog(join(out, 'episodes.jsonl'));
    expect(records).toHaveLength(4);
    const retried = records.filter((x) => (x.attempts ?? 1) > 1);
    expect(retried).toHaveLength(1);
    expect(retried[0]!.retried![0]!).toMatchObject({ error_code: 'SERVER_DIED' });
    expect(progress.text).toMatch(/attempt 1 of 3 failed \(SERVER_DIED: .*\); running it again from its start/);
  }, 120_000);

  it('with --attempts 1, a bridge killed mid-run: that episode is an error with the reason, the rest completes', async () => {
    const out = join(root, 'killed-bridge');
    const progress = killerProgress();
    const r = await runEval({ suite: 'libero_spatial', env: 'python', bundle, out, trials: '3', tasks: '0', maxSteps: '40', workers: '1', attempts: '1' }, { progress });
    expect(progress.killed).toBeGreaterThan(0);
    const records = readEpisodeLog(join(out, 'episodes.jsonl'));
    expect(records).toHaveLength(6);
    const errors = records.filter((x) => x.status === 'error');
    expect(errors).toHaveLength(1);
    expect(errors[0]!.success).toBe(false);
    expect(errors[0]!.error).toMatch(/server|exited|closed|died/i);
    expect(r.errors).toBe(1);
    const mode = errors[0]!.mode;
    const res = JSON.parse(readFileSync(join(out, `results_${mode}.json`), 'utf8'));
    expect(res.total_errors).toBe(1);
    expect(res.total_episodes).toBe(2);
    expect(readFileSync(join(out, 'report.md'), 'utf8')).toContain('## Errors (1)');
  }, 120_000);

  it('a wrong token stops the run before any episode: SETUP_FAILED naming RSD_LIBERO_TOKEN, no episode recorded', async () => {
    const server = await spawnPythonTcpServer({ env: { PYTHONPATH: STAND_IN_PYTHONPATH }, token: 's3cret' });
    const out = join(root, 'wrong-token');
    const saved = process.env.RSD_LIBERO_TOKEN;
    process.env.RSD_LIBERO_TOKEN = 'guess';
    try {
      const e = await runEval({ suite: 'libero_spatial', env: server.url, bundle, out, trials: '2', tasks: '0,1', maxSteps: '8' }, { progress: collectProgress() }).then(
        () => undefined,
        (x: unknown) => x,
      );
      expect(EvalError.isInstance(e), String(e)).toBe(true);
      expect((e as EvalError).code).toBe('SETUP_FAILED');
      expect((e as EvalError).message).toMatch(/refused the token: set RSD_LIBERO_TOKEN/);
      expect(readEpisodeLog(join(out, 'episodes.jsonl'))).toEqual([]);
      expect(existsSync(join(out, 'results_baseline.json'))).toBe(false);
    } finally {
      await server.close();
      if (saved === undefined) delete process.env.RSD_LIBERO_TOKEN;
      else process.env.RSD_LIBERO_TOKEN = saved;
    }
  }, 120_000);

  it('a server that cannot load LIBERO (its first-import config prompt) stops the run: SETUP_FAILED, no episode recorded', async () => {
    const out = join(root, 'no-libero');
    process.env.RSD_LIBERO_STAND_IN_IMPORT_ERROR = '1';
    try {
      const e = await runEval({ suite: 'libero_spatial', env: 'python', bundle, out, trials: '1', tasks: '0', maxSteps: '8', workers: '1' }, { progress: collectProgress() }).then(
        () => undefined,
        (x: unknown) => x,
      );
      expect((e as EvalError).code).toBe('SETUP_FAILED');
      expect((e as EvalError).message).toMatch(/cannot load LIBERO.*EOFError.*LIBERO_CONFIG_PATH/);
      expect(readEpisodeLog(join(out, 'episodes.jsonl'))).toEqual([]);
    } finally {
      delete process.env.RSD_LIBERO_STAND_IN_IMPORT_ERROR;
    }
  }, 120_000);

  it('shards a run over two TCP servers and merges it into one report', async () => {
    for (let i = 0; i < 2; i++) servers.push(await spawnPythonTcpServer({ env: { PYTHONPATH: STAND_IN_PYTHONPATH } }));
    const out = join(root, 'tcp');
    const progress = collectProgress();
    const r = await runEval({ suite: 'libero_spatial', env: servers.map((s) => s.url).join(','), bundle, out, trials: '1', tasks: '0,1', maxSteps: '8', mode: 'rsd' }, { progress });
    expect(r.errors).toBe(0);
    expect(r.ran).toBe(2);
    expect(existsSync(join(out, 'results_baseline.json'))).toBe(false);
    const res = JSON.parse(readFileSync(join(out, 'results_rsd.json'), 'utf8'));
    expect(res).toMatchObject({ task_suite: 'libero_spatial', total_episodes: 2, total_errors: 0 });
  }, 120_000);
});
