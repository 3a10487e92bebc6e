import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli, tempDir } from './fixtures.ts';

const root = tempDir('flags');

describe('rsd-eval eval: bad flags stop before any work', () => {
  it.each([
    [['--suite', 'libero_fake'], /error \[INVALID_FLAG\]: --suite: unknown suite "libero_fake"/],
    [['--trials', '0'], /error \[INVALID_FLAG\]: --trials: must be in \[1, 50\], got 0/],
    [['--bundle', join(root, 'no-such-bundle')], /error \[MISSING_BUNDLE\]: --bundle .*no-such-bundle: no such folder/],
    [['--trails', '3'], /error \[INVALID_FLAG\]: Unknown option '--trails'/],
  ])('%j → exit 2 with a clear message, no output folder', async (args, message) => {
    const out = join(root, args.join('_').replace(/[^a-z0-9_]/gi, ''));
    const r = await runCli([...args, '--out', out]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(message);
    expect(existsSync(out)).toBe(false);
  }, 60_000);

  it('--help prints every flag and exits 0', async () => {
    const r = await runCli(['--help']);
    expect(r.code).toBe(0);
    for (const flag of ['--suite', '--env', '--bundle', '--mode', '--acceptance', '--trials', '--tasks', '--seed', '--max-steps', '--wait-steps', '--execute-steps', '--workers', '--out', '--resume', '--video', '--json']) {
      expect(r.stdout).toContain(flag);
    }
  }, 60_000);
});
