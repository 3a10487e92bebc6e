import { selectTfBackend } from '@rsd/rfsq';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HeadsError } from '../errors/heads-error.ts';
import { parseBenchArgs } from './bench-command.ts';
import { parseTrainArgs, runTrain } from './train-command.ts';

let root: string;
beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'rsd-heads-cli-'));
});
afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

describe('parseTrainArgs', () => {
  it('needs exactly one data source and --out, and names a bad flag', () => {
    expect(() => parseTrainArgs(['--out', 'x'])).toThrowError(/--data and --synthetic/);
    expect(() => parseTrainArgs(['--data', 'd', '--synthetic', '5', '--out', 'x'])).toThrowError(/exactly one/);
    expect(() => parseTrainArgs(['--data', 'd'])).toThrowError(/--out/);
    expect(() => parseTrainArgs(['--data', 'd', '--out', 'x', '--lr', 'fast'])).toThrowError(/--lr/);
    expect(() => parseTrainArgs(['--data', 'd', '--out', 'x', '--k', '0'])).toThrowError(/--k must be an integer >= 1/);
    expect(() => parseTrainArgs(['--data', 'd', '--out', 'x', '--backend', 'gpu'])).toThrowError(/--backend/);
    expect(parseTrainArgs(['--help']).help).toBe(true);
    const { options } = parseTrainArgs(['--data', 'd', '--out', 'x', '--k', '5', '--main-width', '64', '--resume']);
    expect(options.overrides).toEqual({ draftLayers: 5, mainWidth: 64 });
    expect(options.resume).toBe(true);
    expect(options.mainEpochs).toBe(20);
  });
});

describe('runTrain', () => {
  it('trains on a synthetic dataset with config file + flag overrides and reports the backend', async () => {
    const config = join(root, 'heads.json');
    await writeFile(
      config,
      JSON.stringify({ F: 5, C: 1, H: 2, L: 3, K: 3, mainWidth: 12, mainDepth: 1, draftWidth: 8, draftDepth: 1 }),
    );
    const logs: string[] = [];
    const { options } = parseTrainArgs([
      '--synthetic',
      '40',
      '--out',
      join(root, 'out'),
      '--config',
      config,
      '--k',
      '2',
      '--main-epochs',
      '2',
      '--draft-epochs',
      '1',
      '--minibatch',
      '8',
    ]);
    const r = await runTrain(options, {
      log: (l) => logs.push(l),
      selectBackend: (o) => selectTfBackend({ ...o, prefer: 'cpu' }),
    });
    expect(JSON.parse(await readFile(r.files.config, 'utf8'))).toEqual({
      F: 5,
      C: 1,
      H: 2,
      L: 3,
      K: 3,
      draftLayers: 2,
      mainWidth: 12,
      mainDepth: 1,
      draftWidth: 8,
      draftDepth: 1,
    });
    expect(r.report.backend).toBe('cpu');
    expect(logs.some((l) => l.includes('backend cpu'))).toBe(true);
    expect(logs.filter((l) => l.includes('main  epoch'))).toHaveLength(2);
    expect(r.report.draftVsMainGreedy.positionAgreement).toHaveLength(2);
  });

  it('refuses a missing dataset and a broken config by name', async () => {
    const { options } = parseTrainArgs(['--data', join(root, 'none'), '--out', join(root, 'o2')]);
    const e1 = await runTrain(options, { log: () => {} }).catch((e: unknown) => e);
    expect(HeadsError.isInstance(e1) && e1.code).toBe('IO_ERROR');
    const bad = join(root, 'bad.json');
    await writeFile(bad, '{ not json');
    const e2 = await runTrain({ ...options, config: bad }, { log: () => {} }).catch((e: unknown) => e);
    expect(HeadsError.isInstance(e2) && e2.subject).toBe(bad);
  });
});

describe('parseBenchArgs', () => {
  it('has the RSD default shapes and reads overrides', () => {
    const { options } = parseBenchArgs(['--F', '4096', '--batches', '1,4,8']);
    expect(options.config).toMatchObject({ F: 4096, C: 8, H: 7, L: 8, K: 7, draftLayers: 3 });
    expect(options.batches).toEqual([1, 4, 8]);
    expect(() => parseBenchArgs(['--batches', '1,x'])).toThrowError(/--batches/);
  });
});
