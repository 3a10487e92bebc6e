import { existsSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { EvalFlags } from '../src/cli/eval-flags.ts';
import { runEval } from '../src/commands/run-eval.ts';
import { EvalError } from '../src/errors/eval-error.ts';
import type { EpisodeExecutor } from '../src/execution/episode-executor.ts';
import { readEpisodeLog } from '../src/results/episode-log.ts';
import { collectProgress, STAND_IN_PYTHONPATH, tempDir, tinyBundle } from './fixtures.ts';

// A setup fault (a LIBERO server that cannot load, a wrong token, a bundle that does not load)
// stops the run before its first episode. It must leave nothing that makes the same command,
// rerun once the fault is fixed, refuse its --out ("use --resume"): no run.json, no empty
// episodes.jsonl, no folder the run created; a folder the user made stays as it was.
const root = tempDir('setup-fault');
let bundle = '';
const savedPath = process.env.PYTHONPATH;

beforeAll(async () => {
  bundle = await tinyBundle(root);
  process.env.PYTHONPATH = STAND_IN_PYTHONPATH;
  process.env.PYTHONDONTWRITEBYTECODE = '1';
}, 60_000);

afterEach(() => {
  delete process.env.RSD_LIBERO_STAND_IN_IMPORT_ERROR;
});

afterAll(() => {
  process.env.PYTHONPATH = savedPath;
});

/** Every entry of a folder: a file's text, or 'dir'. */
const contents = (dir: string) => Object.fromEntries(readdirSync(dir).map((f) => [f, statSync(join(dir, f)).isDirectory() ? 'dir' : readFileSync(join(dir, f), 'utf8')]));

const python = (out: string): EvalFlags => ({ suite: 'libero_spatial', env: 'python', bundle, out, trials: '1', tasks: '0', maxSteps: '8', workers: '1', video: 'none' });

const failure = (p: Promise<unknown>) =>
  p.then(
    () => undefined,
    (e: unknown) => e,
  );

/** An executor whose environment fails its setup, as a LIBERO server that cannot load does. */
const faultyExecutor = (): EpisodeExecutor => ({
  concurrency: 1,
  runAll: () => Promise.reject(new EvalError('SETUP_FAILED', 'the LIBERO server cannot load LIBERO (test)', { subject: 'env' })),
  close: () => Promise.resolve(),
});

describe('a setup fault before the first episode leaves nothing behind', () => {
  it('a LIBERO that cannot load: SETUP_FAILED, no run folder; the same command then runs', async () => {
    const out = join(root, 'cannot-load', 'run');
    process.env.RSD_LIBERO_STAND_IN_IMPORT_ERROR = '1';
    const e = await failure(runEval(python(out), { progress: collectProgress() }));
    expect(EvalError.isInstance(e) && e.code, String(e)).toBe('SETUP_FAILED');
    expect(existsSync(out)).toBe(false);

    delete process.env.RSD_LIBERO_STAND_IN_IMPORT_ERROR;
    const r = await runEval(python(out), { progress: collectProgress() });
    expect(r.ran).toBe(2);
    expect(readEpisodeLog(join(out, 'episodes.jsonl'))).toHaveLength(2);
    expect(existsSync(join(out, 'run.json'))).toBe(true);
  }, 120_000);

  it('a folder the user created stays as it was (its own files too), and the same command then runs', async () => {
    const out = join(root, 'user-folder');
    mkdirSync(out, { recursive: true });
    writeFileSync(join(out, 'NOTES.md'), 'my run\n');
    process.env.RSD_LIBERO_STAND_IN_IMPORT_ERROR = '1';
    const e = await failure(runEval(python(out), { progress: collectProgress() }));
    expect(EvalError.isInstance(e) && e.code, String(e)).toBe('SETUP_FAILED');
    expect(readdirSync(out)).toEqual(['NOTES.md']);
    expect(readFileSync(join(out, 'NOTES.md'), 'utf8')).toBe('my run\n');

    delete process.env.RSD_LIBERO_STAND_IN_IMPORT_ERROR;
    const r = await runEval(python(out), { progress: collectProgress() });
    expect(r.ran).toBe(2);
    expect(readdirSync(out)).toEqual(expect.arrayContaining(['NOTES.md', 'run.json', 'episodes.jsonl']));
  }, 120_000);

  it('a resumed folder keeps its run.json and episodes byte for byte', async () => {
    const out = join(root, 'resumed');
    await runEval({ ...python(out), mode: 'baseline' }, { progress: collectProgress() });
    // drop the episode, so that the resumed run has something to do
    writeFileSync(join(out, 'episodes.jsonl'), '');
    const before = contents(out);
    expect(Object.keys(before)).toEqual(expect.arrayContaining(['run.json', 'episodes.jsonl', 'results_baseline.json']));
    const e = await failure(runEval({ resume: out }, { progress: collectProgress(), createExecutor: faultyExecutor }));
    expect(EvalError.isInstance(e) && e.code, String(e)).toBe('SETUP_FAILED');
    expect(contents(out)).toEqual(before);
  }, 120_000);

  it('an injected setup fault into a new --out: nothing created, the folder gone', async () => {
    const out = join(root, 'injected', 'deep', 'run');
    const e = await failure(runEval({ suite: 'embedded_spatial', bundle, out, trials: '1', tasks: '0', maxSteps: '8', workers: '1' }, { progress: collectProgress(), createExecutor: faultyExecutor }));
    expect(EvalError.isInstance(e) && e.code, String(e)).toBe('SETUP_FAILED');
    expect(existsSync(out)).toBe(false);
  });

  it('an empty episodes.jsonl (left by an older version after a setup fault) does not refuse a new run', async () => {
    const out = join(root, 'old-leftover');
    mkdirSync(out, { recursive: true });
    writeFileSync(join(out, 'episodes.jsonl'), '');
    const r = await runEval(python(out), { progress: collectProgress() });
    expect(r.ran).toBe(2);
  }, 120_000);
});
