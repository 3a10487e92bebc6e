import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { runEval } from '../src/commands/run-eval.ts';
import { readEpisodeLog } from '../src/results/episode-log.ts';
import { collectProgress, tempDir, tinyBundle } from './fixtures.ts';

// --render-size on the real embedded suite: the env renders n x n, the policy gets the bundle's input size.
const root = tempDir('render-size');
let bundle = '';

beforeAll(async () => {
  bundle = await tinyBundle(root); // backbone input 32 x 32
}, 60_000);

describe('eval --render-size', () => {
  it('renders at n, area-averages to the bundle input, and says so in run.json, the log and the report', async () => {
    const out = join(root, 'r64');
    const progress = collectProgress();
    const r = await runEval({ bundle, out, trials: '1', tasks: '0', mode: 'baseline', maxSteps: '4', workers: '1', renderSize: '64' }, { progress });
    expect(r.errors).toBe(0);
    expect(readEpisodeLog(join(out, 'episodes.jsonl')).map((e) => e.status)).toEqual(['ok']);
    const run = JSON.parse(readFileSync(join(out, 'run.json'), 'utf8'));
    expect(run.identity.renderSize).toBe(64);
    const note = /--render-size 64: the environment renders 64x64; each image is resized to the bundle's 32x32 input by area-average/;
    expect(run.notes.join('\n')).toMatch(note);
    expect(progress.text()).toMatch(note);
    expect(readFileSync(join(out, 'report.md'), 'utf8')).toMatch(note);
    // the tiny bundle records no trainedOn: the run warns
    expect(run.notes.join('\n')).toMatch(/records no trainedOn/);
    await expect(runEval({ resume: out, renderSize: '128' }, { progress: collectProgress() })).rejects.toThrow(/field "renderSize" \(--render-size\)/);
  }, 120_000);

  it('without the flag it renders at the bundle size and notes that nothing is resized', async () => {
    const out = join(root, 'plain');
    await runEval({ bundle, out, trials: '1', tasks: '0', mode: 'baseline', maxSteps: '2', workers: '1' }, { progress: collectProgress() });
    const run = JSON.parse(readFileSync(join(out, 'run.json'), 'utf8'));
    expect(run.identity.renderSize).toBeUndefined();
    expect(run.notes[0]).toMatch(/renders 32x32, the bundle's input size; no resize/);
  }, 120_000);
});
