import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { parseTrainArgs } from './train-command.ts';

const MAIN = fileURLToPath(new URL('./main.ts', import.meta.url));
const run = (args: string[]) =>
  promisify(execFile)(process.execPath, ['--import', 'tsx', '--conditions=@rsd/source', MAIN, ...args]).then(
    (r) => ({ code: 0, ...r }),
    (e: { code: number; stdout: string; stderr: string }) => ({ code: e.code, stdout: e.stdout, stderr: e.stderr }),
  );

describe('rfsq CLI', () => {
  it('parses every train flag, lists and repeated --data included', () => {
    const { options, json } = parseTrainArgs([
      '--data', 'a.hdf5,b.npy', '--data', 'dir', '--variant', 'naive', '--layers', '4', '--levels', '8,5,5,5', '--chunk', '10',
      '--epochs', '3', '--batch-size', '64', '--seed', '9', '--out', 'o', '--resume', '--hidden', '32,16', '--json',
    ]);
    expect(options).toMatchObject({
      data: ['a.hdf5', 'b.npy', 'dir'], variant: 'naive', layers: 4, levels: [8, 5, 5, 5], chunk: 10, epochs: 3,
      batchSize: 64, seed: 9, out: 'o', resume: true, hidden: [32, 16], latentDim: 4,
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
