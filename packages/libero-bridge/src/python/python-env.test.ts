import { spawn } from 'node:child_process';
import { connect } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { standInEnv } from '../../test/stand-in.ts';
import { BridgeError, type BridgeErrorCode } from '../errors/bridge-error.ts';
import { isSetupFault } from '../errors/setup-fault.ts';
import type { LiberoEnv } from '../libero-env.ts';
import { encodeFrame } from '../protocol/encode-frame.ts';
import { FrameDecoder } from '../protocol/frame-decoder.ts';
import type { Frame } from '../protocol/frame.ts';
import { createPythonEnv } from './python-env.ts';
import { pythonServerScriptPath } from './server-script.ts';
import { parseTcpUrl } from './tcp-transport.ts';
import { spawnPythonTcpServer, type PythonTcpServer } from './spawn-python-tcp-server.ts';

const episode = { suite: 'libero_spatial', taskId: 2, initState: 5, seed: 9 };
const noop = [0, 0, 0, 0, 0, 0, -1];
const open: { close(): Promise<void> }[] = [];

afterEach(async () => {
  await Promise.all(open.splice(0).map((r) => r.close()));
});

async function track<T extends { close(): Promise<void> }>(p: Promise<T>): Promise<T> {
  const r = await p;
  open.push(r);
  return r;
}

async function rejection(p: Promise<unknown>, code: BridgeErrorCode): Promise<BridgeError> {
  const e = await p.then(
    () => undefined,
    (x: unknown) => x,
  );
  if (!BridgeError.isInstance(e)) throw new Error(`expected BridgeError ${code}, got ${String(e)}`);
  expect(e.code, e.message).toBe(code);
  return e;
}

const stdioEnv = (extra: Record<string, string> = {}, size = 8) =>
  track(createPythonEnv({ transport: 'stdio', env: standInEnv(extra), cameraHeight: size, cameraWidth: size + 2 }));

describe('createPythonEnv over stdio', () => {
  it('delivers images upright: red grows down the rows, green across the columns', async () => {
    const env: LiberoEnv = await stdioEnv({}, 16);
    const { agentviewRgb: img, eyeInHandRgb } = await env.reset(episode);
    expect([img.height, img.width]).toEqual([16, 18]);
    const px = (r: number, c: number) => [...img.data.subarray((r * img.width + c) * 3, (r * img.width + c) * 3 + 2)];
    expect(px(0, 0)).toEqual([0, 0]);
    expect(px(15, 17)).toEqual([255, 255]);
    expect(px(5, 0)).toEqual([Math.floor((255 * 5) / 15), 0]);
    expect(px(0, 6)).toEqual([0, Math.floor((255 * 6) / 17)]);
    expect(eyeInHandRgb?.data[(5 * 18 + 0) * 3 + 1]).toBe(Math.floor((255 * 5) / 15));
  });

  it('lists the five LIBERO suites with their step limits', async () => {
    const suites = await (await stdioEnv()).listSuites();
    expect(Object.fromEntries(suites.map((s) => [s.name, [s.maxSteps, s.tasks.length]]))).toEqual({
      libero_spatial: [220, 10],
      libero_object: [280, 10],
      libero_goal: [300, 10],
      libero_10: [520, 10],
      libero_90: [400, 90],
    });
    expect(suites[0]!.tasks[0]!.instruction).toMatch(/between the plate and the ramekin/);
    expect(suites[0]!.tasks[0]!.numInitStates).toBe(50);
  });

  it('reports success from the environment and clips out-of-range actions', async () => {
    const env = await stdioEnv();
    const obs = await env.reset(episode);
    const start = [...obs.eePos];
    const r = await env.step([5, -5, 0, 0, 0, 0, -1]);
    expect(r.observation.eePos[0]).toBeCloseTo(start[0]! + 0.02, 12);
    expect(r.observation.eePos[1]).toBeCloseTo(start[1]! - 0.02, 12);
    expect(r.success).toBe(false);
  });

  it('a server killed mid-episode is SERVER_DIED naming the episode, step and stderr; later calls too', async () => {
    const env = await stdioEnv({ RSD_LIBERO_STAND_IN_EXIT_AT_STEP: '3' });
    await env.reset(episode);
    await env.step(noop);
    await env.step(noop);
    const e = await rejection(env.step(noop), 'SERVER_DIED');
    expect(e.message).toMatch(/step 3 of episode \(suite libero_spatial, task 2, init state 5, seed 9\)/);
    expect(e.message).toMatch(/exited with code 3/);
    expect(e.message).toMatch(/stand-in: exiting at step 3/);
    const again = await rejection(env.reset(episode), 'SERVER_DIED');
    expect(again.message).toMatch(/reset of episode/);
  });

  it("a server exception surfaces as SERVER_ERROR with the server's own type and text; the env stays usable", async () => {
    const env = await stdioEnv({ RSD_LIBERO_STAND_IN_FAIL_AT_STEP: '2' });
    await env.reset(episode);
    await env.step(noop);
    const e = await rejection(env.step(noop), 'SERVER_ERROR');
    expect(e.message).toMatch(/step 2 of episode \(suite libero_spatial, task 2/);
    expect(e.message).toMatch(/RuntimeError: stand-in: simulated physics failure at step 2/);
    await env.reset(episode);
    expect((await env.step(noop)).done).toBe(false);
  });

  it('a server that cannot import libero answers the hello with LIBERO_UNAVAILABLE carrying the ImportError', async () => {
    const e = await rejection(
      createPythonEnv({ transport: 'stdio', env: { PYTHONPATH: '', PYTHONDONTWRITEBYTECODE: '1' } }),
      'LIBERO_UNAVAILABLE',
    );
    expect(e.message).toMatch(/No module named 'libero'/);
    expect(isSetupFault(e)).toBe(true);
  });

  it("LIBERO's first-import prompt cannot read the protocol stream: LIBERO_UNAVAILABLE with its own EOFError", async () => {
    const e = await rejection(
      createPythonEnv({ transport: 'stdio', env: standInEnv({ RSD_LIBERO_STAND_IN_PROMPT: '1' }) }),
      'LIBERO_UNAVAILABLE',
    );
    expect(e.message).toMatch(/EOFError/);
    expect(e.message).toMatch(/LIBERO_CONFIG_PATH/);
  });

  it('an import that raises EOFError (the config prompt without a terminal) is LIBERO_UNAVAILABLE', async () => {
    const e = await rejection(
      createPythonEnv({ transport: 'stdio', env: standInEnv({ RSD_LIBERO_STAND_IN_IMPORT_ERROR: '1' }) }),
      'LIBERO_UNAVAILABLE',
    );
    expect(e.message).toMatch(/EOFError: EOF when reading a line/);
  });

  it("reports LIBERO's version from the hello (distribution metadata, else unknown)", async () => {
    const env = await stdioEnv();
    expect(env.serverInfo?.protocol).toBe('rsd-libero/1');
    expect(env.serverInfo?.server).toBe('rsd_libero_server');
    expect(env.serverInfo?.libero).toBe('stand-in'); // no distribution metadata: the package's __version__
  });

  it('as real LIBERO: world-frame positions, fingers (left +, right −), a step after success accepted', async () => {
    const env = await stdioEnv();
    const obs = await env.reset({ ...episode, initState: 0 });
    expect(obs.eePos[2]).toBeGreaterThan(1.0);
    expect(obs.eePos[2]).toBeLessThan(1.3);
    expect(obs.gripperQpos[0]).toBeGreaterThan(0);
    expect(obs.gripperQpos[1]).toBeLessThan(0);
    expect(obs.gripperQpos[0]).toBeCloseTo(-obs.gripperQpos[1]!, 12);
  });

  it('an interpreter that does not exist is IO_ERROR', async () => {
    const e = await rejection(createPythonEnv({ transport: 'stdio', python: '/nonexistent/python3' }), 'IO_ERROR');
    expect(e.message).toMatch(/nonexistent/);
  });

  it('step before reset and after a failed reset is EPISODE_NOT_STARTED without asking the server', async () => {
    const env = await stdioEnv();
    await rejection(env.step(noop), 'EPISODE_NOT_STARTED');
    await rejection(env.reset({ ...episode, taskId: 99 }), 'UNKNOWN_TASK');
    await rejection(env.step(noop), 'EPISODE_NOT_STARTED');
  });

  it('refuses bad options by argument name', async () => {
    await expect(createPythonEnv({ transport: 'stdio', cameraHeight: 0 })).rejects.toThrow(/options.cameraHeight/);
    await expect(createPythonEnv({ transport: 'pipe' } as never)).rejects.toThrow(TypeError);
    const env = await stdioEnv();
    await expect(env.reset({ ...episode, taskId: 1.5 })).rejects.toThrow(/options.taskId/);
    await expect(env.reset({ ...episode, seed: -1 })).rejects.toThrow(RangeError);
  });
});

/** Speaks raw frames to `rsd_libero_server.py --stdio` and returns the replies. */
async function rawExchange(requests: Record<string, unknown>[]): Promise<{ replies: Frame[]; code: number | null }> {
  const child = spawn('python3', [pythonServerScriptPath(), '--stdio'], {
    env: { ...process.env, ...standInEnv() },
    stdio: ['pipe', 'pipe', 'ignore'],
  });
  const decoder = new FrameDecoder();
  const replies: Frame[] = [];
  child.stdout.on('data', (b: Buffer) => replies.push(...decoder.push(new Uint8Array(b))));
  for (const r of requests) child.stdin.write(encodeFrame(r));
  child.stdin.end();
  const code = await new Promise<number | null>((resolve) => child.once('close', resolve));
  return { replies, code };
}

describe('rsd_libero_server.py protocol checks', () => {
  it('refuses a client of another protocol version by name and closes', async () => {
    const { replies } = await rawExchange([
      { type: 'hello', id: 1, version: 'rsd-libero/0' },
      { type: 'list_suites', id: 2 },
    ]);
    expect(replies).toHaveLength(1);
    const error = replies[0]!.header.error as Record<string, string>;
    expect(replies[0]!.header).toMatchObject({ type: 'error', id: 1 });
    expect(error.code).toBe('PROTOCOL_VERSION_MISMATCH');
    expect(error.message).toMatch(/'rsd-libero\/0'.*'rsd-libero\/1'/);
  });

  it('requires hello first', async () => {
    const { replies } = await rawExchange([{ type: 'list_suites', id: 1 }]);
    expect(replies[0]!.header).toMatchObject({ type: 'error', id: 1, error: { code: 'PROTOCOL_ERROR' } });
  });

  it('answers a corrupt frame with a PROTOCOL_ERROR reply and exits', async () => {
    const child = spawn('python3', [pythonServerScriptPath(), '--stdio'], {
      env: { ...process.env, ...standInEnv() },
      stdio: ['pipe', 'pipe', 'ignore'],
    });
    const decoder = new FrameDecoder();
    const replies: Frame[] = [];
    child.stdout.on('data', (b: Buffer) => replies.push(...decoder.push(new Uint8Array(b))));
    child.stdin.end(new Uint8Array([0, 0, 0, 2, 0x5b, 0x5d]));
    expect(await new Promise((resolve) => child.once('close', resolve))).toBe(0);
    expect(replies[0]!.header).toMatchObject({ type: 'error', id: null, error: { code: 'PROTOCOL_ERROR' } });
  });
});

describe('createPythonEnv over TCP', () => {
  const server = (token?: string, extra: Record<string, string> = {}) =>
    track<PythonTcpServer>(spawnPythonTcpServer({ env: standInEnv(extra), ...(token ? { token } : {}) }));

  it('binds 127.0.0.1 on an ephemeral port', async () => {
    const s = await server();
    expect(s.url).toMatch(/^tcp:\/\/127\.0\.0\.1:\d+$/);
    expect(s.port).toBeGreaterThan(0);
  });

  it('refuses a wrong or missing token (AUTH_FAILED), accepts the right one', async () => {
    const s = await server('s3cret');
    const wrong = await rejection(createPythonEnv({ transport: 'tcp', url: s.url, token: 'guess' }), 'AUTH_FAILED');
    expect(wrong.message).toMatch(/wrong or missing token/);
    await rejection(createPythonEnv({ transport: 'tcp', url: s.url }), 'AUTH_FAILED');
    const env = await track(
      createPythonEnv({ transport: 'tcp', url: s.url, token: 's3cret', cameraHeight: 8, cameraWidth: 8 }),
    );
    expect((await env.reset(episode)).agentviewRgb.width).toBe(8);
  });

  it('a TCP server that cannot load LIBERO still listens and answers every hello with LIBERO_UNAVAILABLE', async () => {
    const s = await server('tok', { RSD_LIBERO_STAND_IN_IMPORT_ERROR: '1' });
    const e = await rejection(createPythonEnv({ transport: 'tcp', url: s.url, token: 'tok' }), 'LIBERO_UNAVAILABLE');
    expect(e.message).toMatch(/EOFError/);
    // the token is still checked first: a wrong token is AUTH_FAILED, not a LIBERO diagnosis
    await rejection(createPythonEnv({ transport: 'tcp', url: s.url, token: 'guess' }), 'AUTH_FAILED');
  });

  it('drops a peer that sends no hello within --hello-timeout', async () => {
    const s = await track(spawnPythonTcpServer({ env: standInEnv(), serverArgs: ['--hello-timeout', '0.3'] }));
    const { port } = parseTcpUrl(s.url);
    const socket = connect({ host: '127.0.0.1', port });
    const closed = await new Promise<boolean>((resolve) => {
      socket.once('close', () => resolve(true));
      socket.once('error', () => undefined);
    });
    expect(closed).toBe(true);
    const env = await track(createPythonEnv({ transport: 'tcp', url: s.url, cameraHeight: 8, cameraWidth: 8 }));
    expect((await env.listSuites()).length).toBe(5);
  });

  it('a server process dying mid-episode is SERVER_DIED naming the episode', async () => {
    const s = await server(undefined, { RSD_LIBERO_STAND_IN_EXIT_AT_STEP: '2' });
    const env = await track(createPythonEnv({ transport: 'tcp', url: s.url, cameraHeight: 8, cameraWidth: 8 }));
    await env.reset(episode);
    await env.step(noop);
    const e = await rejection(env.step(noop), 'SERVER_DIED');
    expect(e.message).toMatch(/step 2 of episode \(suite libero_spatial, task 2, init state 5, seed 9\)/);
    expect(e.message).toContain(s.url);
  });

  it('serves clients in parallel, each with its own episode', async () => {
    const s = await server();
    const [a, b] = await Promise.all(
      [0, 1].map(() => track(createPythonEnv({ transport: 'tcp', url: s.url, cameraHeight: 8, cameraWidth: 8 }))),
    );
    const [oa, ob] = await Promise.all([a!.reset(episode), b!.reset({ ...episode, initState: 6 })]);
    expect([...oa.eePos]).not.toEqual([...ob.eePos]);
    expect([...(await a!.step(noop)).observation.eePos]).toEqual([...oa.eePos]);
  });

  it('nothing listening is IO_ERROR; a non-loopback bind is refused without --allow-remote', async () => {
    const s = await server();
    await s.close();
    await rejection(createPythonEnv({ transport: 'tcp', url: s.url }), 'IO_ERROR');
    const e = await rejection(spawnPythonTcpServer({ env: standInEnv(), host: '0.0.0.0' }), 'IO_ERROR');
    expect(e.message).toMatch(/--allow-remote/);
  });
});
