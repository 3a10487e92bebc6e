import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';

const MAIN = join(import.meta.dirname, 'main.ts');
const PACKAGE = join(import.meta.dirname, '../..');
const dirs: string[] = [];
afterAll(async () => Promise.all(dirs.map((d) => rm(d, { recursive: true, force: true }))));

/** Runs the CLI from the package folder, as Nx does, with the user's folder handed on as RSD_INVOCATION_CWD. */
async function cli(args: string[], user: string) {
  const env = { ...process.env, RSD_INVOCATION_CWD: user };
  return promisify(execFile)(process.execPath, ['--import', 'tsx', '--conditions=@rsd/source', MAIN, ...args], { cwd: PACKAGE, env });
}

describe('libero-bridge CLI paths', () => {
  it('render and demos write --out relative to the folder the user stood in', async () => {
    const user = await mkdtemp(join(tmpdir(), 'bridge-cli-user-'));
    dirs.push(user);
    const r = JSON.parse((await cli(['render', '--task', '0', '--out', 'shots/f.png', '--size', '16', '--json'], user)).stdout);
    expect(r.path).toBe(join(user, 'shots', 'f.png'));
    expect(existsSync(join(user, 'shots', 'f.png'))).toBe(true);
    const d = JSON.parse((await cli(['demos', '--episodes', '1', '--tasks', '0', '--size', '16', '--out', 'demos', '--json'], user)).stdout);
    expect(d.files.map((f: { path: string }) => f.path.startsWith(join(user, 'demos'))).every(Boolean)).toBe(true);
    expect(existsSync(join(PACKAGE, 'demos'))).toBe(false);
  });
});
