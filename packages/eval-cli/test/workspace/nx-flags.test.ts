import { execFile } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { SeededRandom, writeRandomBundle } from '@rsd/heads/testing';
import { encodeNpy } from '@rsd/rfsq';
import { afterAll, describe, expect, it } from 'vitest';
import { argsNxHandsOn, documentedFlags, WORKSPACE } from './nx-reserved-flags.ts';

/** Names Nx's `run` keeps for itself that our docs still mention, each with what to write instead. */
const EATEN_BY_NX: Record<string, string> = {
  help: 'Nx prints its executor help: write `-- --help` (or -h)',
  'batch-size': 'write --bs (rfsq train, rsd-engine predict)',
  // the root README lists these as Nx's own, so no command may use them
  ...Object.fromEntries(['batch', 'parallel', 'configuration', 'project', 'verbose', 'exclude', 'graph', 'prod', 'runner', 'tui', 'cloud', 'dte'].map((n) => [n, 'Nx option'])),
};

describe('flags given the way the READMEs show (npx nx run <project>:<target> <flags>)', () => {
  it('every documented flag reaches the package script through Nx’s own argument parser', () => {
    const flags = documentedFlags();
    expect(flags.size).toBeGreaterThan(50);
    const lost = [...flags].filter(([flag]) => !(flag in EATEN_BY_NX)).filter(([flag]) => {
      const handedOn = argsNxHandsOn([`--${flag}`, 'v']);
      return !(handedOn[0] === `--${flag}` && handedOn[1] === 'v');
    });
    expect(lost.map(([flag, where]) => `--${flag} (${where.join(', ')})`)).toEqual([]);
  });

  it('the names listed as eaten really are eaten, and arrive after `--`', () => {
    for (const flag of Object.keys(EATEN_BY_NX)) {
      expect(argsNxHandsOn([`--${flag}`, '1'])).not.toContain(`--${flag}`);
      expect(argsNxHandsOn(['--', `--${flag}`, '1'])).toEqual([`--${flag}`, '1']);
    }
    expect(argsNxHandsOn(['--bs', '1'])).toEqual(['--bs', '1']);
  });
});

describe('through a real `npx nx run` from a folder of the user', () => {
  mkdirSync(join(WORKSPACE, 'tmp'), { recursive: true }); // gitignored
  const user = mkdtempSync(join(WORKSPACE, 'tmp', 'nx-flags-'));
  afterAll(() => rmSync(user, { recursive: true, force: true }));

  it('rsd-engine:predict reads and writes relative paths where the user stood, with --bs rows per call', async () => {
    const dims = { C: 2, A: 3, H: 2, L: 4, K: 5, F: 6, k: 3 };
    await writeRandomBundle(join(user, 'bundle'), { dims, seed: 5 });
    writeFileSync(join(user, 'f.npy'), encodeNpy({ dtype: 'float32', shape: [5, dims.F], data: new SeededRandom(2).floats(5 * dims.F, -2, 2) }));
    const env: NodeJS.ProcessEnv = { ...process.env, NX_DAEMON: 'false', NX_NO_CLOUD: 'true', NX_TUI: 'false' };
    delete env.RSD_INVOCATION_CWD; // as in a fresh terminal: npx records INIT_CWD, the root .env hands it on
    delete env.INIT_CWD;
    const { stdout } = await promisify(execFile)(
      'npx',
      ['nx', 'run', 'rsd-engine:predict', '--bundle', 'bundle', '--features', 'f.npy', '--out', 'out', '--bs', '2', '--json', '--output-style=stream-without-prefixes'],
      { cwd: user, env },
    );
    expect(stdout).toContain(join(user, 'out', 'stats.json'));
    const stats = JSON.parse(readFileSync(join(user, 'out', 'stats.json'), 'utf8'));
    expect(stats.calls).toHaveLength(3); // 2 + 2 + 1 rows: --bs 2 arrived
  }, 120_000);
});
