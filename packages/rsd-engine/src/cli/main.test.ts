import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { SeededRandom, writeRandomBundle } from '@rsd/heads/testing';
import { encodeNpy } from '@rsd/rfsq';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const MAIN = join(import.meta.dirname, 'main.ts');
const dims = { C: 2, A: 3, H: 2, L: 4, K: 5, F: 6, k: 3 };
const N = 5;
let root: string;

/** Runs the CLI from the package folder, as Nx does, with the user's folder handed on as RSD_INVOCATION_CWD. */
function cli(args: string[], userDir: string) {
  const env = { ...process.env, RSD_INVOCATION_CWD: userDir };
  return promisify(execFile)(process.execPath, ['--import', 'tsx', '--conditions=@rsd/source', MAIN, ...args], { cwd: join(import.meta.dirname, '../..'), env });
}

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'rsd-engine-main-'));
  await writeRandomBundle(join(root, 'bundle'), { dims, seed: 3 });
  await writeFile(join(root, 'f.npy'), encodeNpy({ dtype: 'float32', shape: [N, dims.F], data: new SeededRandom(1).floats(N * dims.F, -2, 2) }));
});
afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

describe('rsd-engine predict CLI', () => {
  it('reads and writes relative paths in the folder the user stood in, with --bs rows per call', async () => {
    const { stdout } = await cli(['predict', '--bundle', 'bundle', '--features', 'f.npy', '--out', 'out', '--bs', '2', '--json'], root);
    expect(JSON.parse(stdout).files.stats).toBe(join(root, 'out', 'stats.json'));
    const stats = JSON.parse(await readFile(join(root, 'out', 'stats.json'), 'utf8'));
    expect(stats.calls).toHaveLength(3); // 2 + 2 + 1 rows
  });

  it('refuses --bs and --batch-size that disagree', async () => {
    await expect(cli(['predict', '--bundle', 'bundle', '--features', 'f.npy', '--out', 'o2', '--bs', '2', '--batch-size', '3'], root)).rejects.toMatchObject({ code: 2, stderr: /disagree/ });
  });
});
