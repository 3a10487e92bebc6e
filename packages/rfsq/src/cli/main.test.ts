import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { describe, expect, it, vi } from 'vitest';
import { parseTrainArgs } from './train-command.ts';
import { userPath } from './user-path.ts';

const MAIN = fileURLToPath(new URL('./main.ts', import.meta.url));
const run = (args: string[]) =>
  promisify(execFile)(process.execPath, ['--import', 'tsx', '--conditions=@rsd/source', MAIN, ...args]).then(
    (r) => ({ code: 0, ...r }),
    (e: { code: number; stdout: string; stderr: string }) => ({ code: e.code, stdout: e.stdout, stderr: e.stderr }),
  );

describe('rfsq CLI', () => {
  it('resolves relative paths against the folder the user stood in (RSD_INVOCATION_CWD, as Nx hands it on)', async () => {
    const user = mkdtempSync(join(tmpdir(), 'rfsq-cli-user-'));
    const env = { ...process.env, RSD_INVOCATION_CWD: user };
    const r = await promisify(execFile)(process.execPath, ['--import', 'tsx', '--conditions=@rsd/source', MAIN, 'generate-demos', '--out', 'd/demo.hdf5', '--episodes', '2', '--json'], { env, cwd: fileURLToPath(new URL('../..', import.meta.url)) });
    expect(JSON.parse(r.stdout).file).toBe(join(user, 'd', 'demo.hdf5'));
    expect(existsSync(join(user, 'd', 'demo.hdf5'))).toBe(true);
    vi.stubEnv('RSD_INVOCATION_CWD', user);
    expect(parseTrainArgs(['--data', 'x.hdf5', '--out', 'o']).options).toMatchObject({ data: [join(user, 'x.hdf5')], out: join(user, 'o') });
    vi.unstubAllEnvs();
  });

  it('parses every train flag, lists and repeated --data included', () => {
    const { options, json } = parseTrainArgs([
      '--data', 'a.hdf5,b.npy', '--data', 'dir', '--variant', 'naive', '--layers', '4', '--levels', '8,5,5,5', '--chunk', '10',
      '--epochs', '3', '--batch-size', '64', '--seed', '9', '--out', 'o', '--resume', '--hidden', '32,16', '--json',
    ]);
    expect(options).toMatchObject({
      data: ['a.hdf5', 'b.npy', 'dir'].map((p) => userPath(p)), variant: 'naive', layers: 4, levels: [8, 5, 5, 5], chunk: 10, epochs: 3,
      batchSize: 64, seed: 9, out: userPath('o'), resume: true, hidden: [32, 16], latentDim: 4,
    });
    expect(json).toBe(true);
    expect(parseTrainArgs(['--bs', '32']).options.batchSize).toBe(32);
    expect(parseTrainArgs([]).options.latentDim).toBe(7);
    expect(() => parseTrainArgs(['--bs', '32', '--batch-size', '64'])).toThrowError(/disagree/);
    expect(() => parseTrainArgs(['--layers', 'eight'])).toThrowError(/--layers must be a number, got "eight"/);
  });

  it('exits non-zero naming the flag for an unknown variant and writes nothing; --help works', async () => {
    const out = join(mkdtempSync(join(tmpdir(), 'rfsq-cli-')), 'out');
    const bad = await run(['train', '--data', 'x.hdf5', '--out', out, '--variant', 'fancy']);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toMatch(/\[INVALID_CONFIG\] --variant must be robust or naive, got "fancy"/);
    expect(existsSync(out)).toBe(false);
    const help = await run(['train', '--help']);
    expect(help.code).toBe(0);
    expect(help.stdout).toMatch(/--variant <v>\s+robust \| naive/);
  });
});
