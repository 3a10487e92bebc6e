import { execFile, spawn } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bytesFlag, serveOptionsOf } from '../src/cli/options.ts';
import { NdArray, parseStateMap, PolicyClient } from '../src/index.ts';
import { DIMS, liberoObservation, tinyBundle, type TestBundle } from './helpers.ts';

const MAIN = join(import.meta.dirname, '../src/cli/main.ts');
const NODE_ARGS = ['--import', 'tsx', '--conditions=@rsd/source', MAIN];
let bundle: TestBundle;

beforeAll(async () => {
  bundle = await tinyBundle(21);
});
afterAll(async () => {
  await bundle.dispose();
});

describe('serve flags', () => {
  const log = () => {};
  it('defaults: loopback, openpi port, rsd exact, dynamic batching on, the LIBERO mapping', () => {
    const o = serveOptionsOf({ bundle: 'b' }, log);
    expect(o).toMatchObject({ host: '127.0.0.1', decode: { mode: 'rsd', acceptance: { kind: 'exact' } }, batching: { enabled: true } });
    expect(o.port).toBeUndefined();
    expect(o.mapping).toMatchObject({ imageKey: 'observation/image', stateKey: 'observation/state', promptKey: 'prompt', stateSlices: { eePos: [0, 3], gripperQpos: [6, 8] } });
  });

  it('reads every flag', () => {
    const o = serveOptionsOf(
      {
        bundle: '/abs/b', host: '0.0.0.0', port: '0', mode: 'jacobi', acceptance: 'relaxed:1', 'draft-layers': '2', 'dynamic-batching': 'off', 'max-rows': '4', 'gather-ms': '0.5',
        'max-queue': '9', 'max-payload': '1M', 'max-image-side': '512', 'image-key': 'img', 'state-key': 'st', 'prompt-key': 'p', 'features-key': 'f', 'state-map': 'eePos=1:4,gripperQpos=7:9', threads: '2', cpu: true,
      },
      log,
    );
    expect(o).toMatchObject({
      bundle: '/abs/b', host: '0.0.0.0', port: 0, decode: { mode: 'jacobi', acceptance: { kind: 'relaxed', tolerance: 1 }, draftLayers: 2 },
      batching: { enabled: false, maxRows: 4, gatherMs: 0.5, maxQueue: 9 }, maxPayload: 1024 * 1024, maxImageSide: 512, threads: 2, executionProviders: ['cpu'],
      mapping: { imageKey: 'img', stateKey: 'st', promptKey: 'p', featuresKey: 'f', stateSlices: { eePos: [1, 4], gripperQpos: [7, 9] } },
    });
  });

  it('names the flag of a bad value', () => {
    expect(() => serveOptionsOf({}, log)).toThrow(/--bundle <dir> is required/);
    expect(() => serveOptionsOf({ bundle: 'b', mode: 'fast' }, log)).toThrow(/--mode must be baseline, rsd or jacobi, got "fast"/);
    expect(() => serveOptionsOf({ bundle: 'b', 'dynamic-batching': 'yes' }, log)).toThrow(/--dynamic-batching must be on or off/);
    expect(() => serveOptionsOf({ bundle: 'b', port: '70000' }, log)).toThrow(/--port must be 0..65535/);
    expect(() => serveOptionsOf({ bundle: 'b', 'state-map': 'eePos=3:1' }, log)).toThrow(/--state-map: eePos=3:1 is empty/);
    expect(() => serveOptionsOf({ bundle: 'b', acceptance: 'loose' }, log)).toThrow(/--acceptance "loose"/);
    expect(() => bytesFlag('max-payload', 'lots')).toThrow(/--max-payload must be a size in bytes/);
    expect(parseStateMap('a=0:1, b = 2:5')).toEqual({ a: [0, 1], b: [2, 5] });
  });
});

describe('policy-server serve (a real process)', () => {
  it('listens on an ephemeral loopback port, serves a client, and stops on SIGTERM', async () => {
    const child = spawn(process.execPath, [...NODE_ARGS, 'serve', '--bundle', bundle.dir, '--port', '0', '--cpu', '--dynamic-batching', 'off'], { stdio: ['ignore', 'ignore', 'pipe'] });
    let err = '';
    const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
    const url = await new Promise<string>((resolve, reject) => {
      child.stderr.setEncoding('utf8');
      child.stderr.on('data', (chunk: string) => {
        err += chunk;
        const m = /listening on (ws:\/\/127\.0\.0\.1:\d+) .*dynamic batching off/.exec(err);
        if (m) resolve(m[1]!);
      });
      void exited.then(() => reject(new Error(`exited before listening:\n${err}`)));
    });
    const c = await PolicyClient.connect(url);
    expect((c.metadata.bundle as Record<string, unknown>).name).toBe('tiny-21');
    const reply = await c.infer(liberoObservation(3));
    expect((reply.actions as NdArray).shape).toEqual([DIMS.C, DIMS.A]);
    child.kill('SIGTERM');
    expect(await exited).toBe(0);
    expect(err).toMatch(/SIGTERM, closing/);
  });

  it('a bad flag exits with code 2 and names it', async () => {
    const run = promisify(execFile)(process.execPath, [...NODE_ARGS, 'serve', '--bundle', bundle.dir, '--mode', 'fast']);
    await expect(run).rejects.toMatchObject({ code: 2, stderr: expect.stringMatching(/policy-server: --mode must be baseline, rsd or jacobi, got "fast"/) });
  });
});
