import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseEvalFlags } from '../src/cli/eval-flags.ts';
import { runEval } from '../src/commands/run-eval.ts';
import { collectProgress, runCli, tempDir, tinyBundle } from './fixtures.ts';

const root = tempDir('flags');

describe('rsd-eval eval: bad flags stop before any work', () => {
  it('--trials 0 → exit 2 with a clear message, no output folder', async () => {
    const out = join(root, 'zero');
    const r = await runCli(['--trials', '0', '--out', out]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/error \[INVALID_FLAG\]: --trials: must be in \[1, 50\], got 0/);
    expect(existsSync(out)).toBe(false);
  }, 60_000);

  it.each([
    [{ suite: 'libero_fake' }, 'INVALID_FLAG', /--suite: unknown suite "libero_fake" \(known: embedded_spatial, libero_spatial/],
    [{ bundle: join(root, 'no-such-bundle') }, 'MISSING_BUNDLE', /--bundle .*no-such-bundle: no such folder/],
    [{}, 'MISSING_BUNDLE', /the shipped embedded model is not in this checkout: pass --bundle/],
  ])('%j → %s before any work', async (flags, code, message) => {
    const out = join(root, `out-${JSON.stringify(flags).replace(/[^a-z0-9]/gi, '')}`);
    const p = runEval({ ...flags, out }, { progress: collectProgress(), defaultBundleDir: join(root, 'models', 'embedded_spatial') });
    await expect(p).rejects.toMatchObject({ code, message: expect.stringMatching(message) });
    expect(existsSync(out)).toBe(false);
  });

  it('--mode …,continuous with a bundle that ships no continuous.onnx → exit 2 naming the bundle and the file, no output folder', async () => {
    const bundle = await tinyBundle(root);
    const out = join(root, 'no-continuous');
    const r = await runCli(['--mode', 'baseline,rsd,continuous', '--bundle', bundle, '--trials', '1', '--tasks', '0', '--out', out]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(`error [INVALID_FLAG]: --mode: continuous runs the teacher's continuous head, but bundle ${bundle} has no continuous.onnx`);
    expect(existsSync(out)).toBe(false);
  }, 60_000);

  it('an unknown option is refused by name', () => {
    expect(() => parseEvalFlags(['--trails', '3'])).toThrow(/Unknown option '--trails'/);
  });

  it('--help prints every flag and exits 0', async () => {
    const r = await runCli(['--help']);
    expect(r.code).toBe(0);
    for (const flag of ['--suite', '--env', '--bundle', '--mode', '--acceptance', '--trials', '--tasks', '--seed', '--max-steps', '--wait-steps', '--execute-steps', '--workers', '--out', '--resume', '--video', '--json']) {
      expect(r.stdout).toContain(flag);
    }
  }, 60_000);
});
