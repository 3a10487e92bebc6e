import { createServer, type Server } from 'node:net';
import { writeFileSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { standInEnv } from '../../test/stand-in.ts';
import { BridgeError, type BridgeErrorCode } from '../errors/bridge-error.ts';
import { isSetupFault } from '../errors/setup-fault.ts';
import { encodeFrame } from '../protocol/encode-frame.ts';
import { FrameDecoder } from '../protocol/frame-decoder.ts';
import { PROTOCOL_VERSION } from '../protocol/protocol-version.ts';
import { createPythonEnv } from './python-env.ts';
import { createPythonFeatureClient } from './python-feature-client.ts';

// Protocol 1.1: the server's --features module computes float32 [F] features next to the
// simulator; here the stand-in module (python/features/stand_in_features.py, F = 12) on the
// stand-in LIBERO.
const MODULE = fileURLToPath(new URL('../../python/features/stand_in_features.py', import.meta.url));
const episode = { suite: 'libero_spatial', taskId: 2, initState: 5, seed: 9 };
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
const withModule = (extra: string[] = []) => ({ transport: 'stdio' as const, env: standInEnv(), serverArgs: ['--features', MODULE, ...extra], cameraHeight: 8, cameraWidth: 10 });

describe('features in observations (protocol rsd-libero/1.1)', () => {
  it('every reset and step observation carries the module\'s features and the time spent on them', async () => {
    const env = await track(createPythonEnv({ ...withModule(['--features-config', '{"scale": 2}']), features: true }));
    expect(env.serverInfo).toMatchObject({ protocol: 'rsd-libero/1.1', features: 'stand_in_features.py' });
    const obs = await env.reset(episode);
    expect(obs.features).toBeInstanceOf(Float32Array);
    expect(obs.features).toHaveLength(12);
    expect(obs.featuresMs).toBeGreaterThanOrEqual(0);
    // proprio arrives in order ee_pos, ee_quat, gripper_qpos (the config's scale 2 applies)
    expect(obs.features![7]).toBeCloseTo(2 * obs.eePos[0]!, 5);
    const sum = [...obs.eePos, ...obs.eeQuat, ...obs.gripperQpos].reduce((a, b) => a + b, 0);
    expect(obs.features![10]).toBeCloseTo(2 * sum, 4);
    const r = await env.step([0.5, 0, 0, 0, 0, 0, -1]);
    expect(r.observation.features).toHaveLength(12);
    expect(Array.from(r.observation.features!)).not.toEqual(Array.from(obs.features!));
    // a step whose observation no policy will see: the server skips the module
    const skipped = await env.step([0, 0, 0, 0, 0, 0, -1], { features: false });
    expect(skipped.observation.features).toBeUndefined();
    expect((await env.step([0, 0, 0, 0, 0, 0, -1])).observation.features).toHaveLength(12);
  }, 30_000);

  it('a client that asks for no features gets none, from the same server (1.0 clients keep working)', async () => {
    const env = await track(createPythonEnv(withModule()));
    expect(env.serverInfo?.protocol).toBe(PROTOCOL_VERSION);
    const obs = await env.reset(episode);
    expect(obs.features).toBeUndefined();
  }, 30_000);

  it('features asked of a server without --features: FEATURES_UNAVAILABLE, a setup fault', async () => {
    const e = await rejection(createPythonEnv({ transport: 'stdio', env: standInEnv(), features: true }), 'FEATURES_UNAVAILABLE');
    expect(isSetupFault(e)).toBe(true);
    expect(e.message).toMatch(/started without --features/);
  }, 30_000);

  it('a module that cannot load or set up: FEATURES_UNAVAILABLE with the reason', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'rsd-features-'));
    const broken = join(dir, 'broken.py');
    writeFileSync(broken, 'raise ImportError("no transformers here")\n');
    let e = await rejection(createPythonEnv({ ...withModule(), serverArgs: ['--features', broken], features: true }), 'FEATURES_UNAVAILABLE');
    expect(e.message).toMatch(/broken.py failed to import: ImportError: no transformers here/);
    e = await rejection(createPythonEnv({ ...withModule(['--features-config', '{"fail": "setup"}']), features: true }), 'FEATURES_UNAVAILABLE');
    expect(e.message).toMatch(/setup\(config\) failed: RuntimeError: stand-in setup asked to fail/);
  }, 30_000);

  it('a server that speaks only rsd-libero/1 refuses the 1.1 hello by name: a FEATURES_UNAVAILABLE setup fault', async () => {
    // an older server: answers every hello as rsd_libero_server.py 1.0 does
    const server: Server = createServer((socket) => {
      const decoder = new FrameDecoder();
      socket.on('data', (b: Buffer) => {
        for (const f of decoder.push(new Uint8Array(b))) {
          const message = `protocol version mismatch: client speaks ${JSON.stringify(f.header.version).replace(/"/g, "'")}, this server speaks 'rsd-libero/1'`;
          socket.end(encodeFrame({ type: 'error', id: f.header.id, error: { type: 'ProtocolVersionMismatch', message, code: 'PROTOCOL_VERSION_MISMATCH' } }));
        }
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    try {
      const port = (server.address() as { port: number }).port;
      const e = await rejection(createPythonEnv({ transport: 'tcp', url: `tcp://127.0.0.1:${port}`, features: true }), 'FEATURES_UNAVAILABLE');
      expect(isSetupFault(e)).toBe(true);
      expect(e.message).toMatch(/does not speak protocol rsd-libero\/1\.1.*--features.*client speaks 'rsd-libero\/1\.1', this server speaks 'rsd-libero\/1'/);
    } finally {
      await new Promise<void>((resolve) => server.close(() => resolve()));
    }
  });

  it('features_batch (demo replay) runs the same module on the same inputs: identical features, no LIBERO needed', async () => {
    const env = await track(createPythonEnv({ ...withModule(), features: true }));
    const obs = await env.reset(episode);
    const instruction = (await env.listSuites()).find((s) => s.name === 'libero_spatial')!.tasks[2]!.instruction;
    // LIBERO cannot load on this server, yet a replay client (env: false) is served
    const client = await track(createPythonFeatureClient({ transport: 'stdio', env: standInEnv({ RSD_LIBERO_STAND_IN_IMPORT_ERROR: '1' }), serverArgs: ['--features', MODULE] }));
    const proprio = Float32Array.from([...obs.eePos, ...obs.eeQuat, ...obs.gripperQpos]);
    const two = new Uint8Array(obs.agentviewRgb.data.length * 2);
    two.set(obs.agentviewRgb.data, 0);
    two.set(obs.agentviewRgb.data.map((v) => 255 - v), obs.agentviewRgb.data.length);
    const r = await client.featuresBatch({
      instruction,
      agentview: { n: 2, height: 8, width: 10, data: two },
      ...(obs.eyeInHandRgb === undefined ? {} : { wrist: { n: 2, height: obs.eyeInHandRgb.height, width: obs.eyeInHandRgb.width, data: new Uint8Array([...obs.eyeInHandRgb.data, ...obs.eyeInHandRgb.data]) } }),
      proprio: Float32Array.from([...proprio, ...proprio]),
    });
    expect(r.F).toBe(12);
    expect(r.ms).toBeGreaterThanOrEqual(0);
    expect(Array.from(r.features.subarray(0, 12))).toEqual(Array.from(obs.features!));
    expect(Array.from(r.features.subarray(12))).not.toEqual(Array.from(obs.features!));
  }, 30_000);
});
