import { readFileSync } from 'node:fs';
import { get } from 'node:http';
import { join } from 'node:path';
import { sha256Hex, type DecodeOptions } from '@rsd/rsd-engine';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { NdArray, packb, PolicyClient, PolicyServerError, resizeRgb, startPolicyServer, type PolicyServer, type PolicyServerOptions, type WireValue } from '../src/index.ts';
import { BACKBONE, DIMS, liberoObservation, tinyBundle, type TestBundle } from './helpers.ts';

const EXACT = { kind: 'exact' } as const;
let bundle: TestBundle;
const servers: PolicyServer[] = [];
const clients: PolicyClient[] = [];

async function serve(decode: DecodeOptions, extra: Partial<PolicyServerOptions> = {}): Promise<PolicyServer> {
  const s = await startPolicyServer({ bundle: bundle.dir, engine: bundle.engine, port: 0, decode, log: () => {}, ...extra });
  servers.push(s);
  return s;
}
async function connect(s: PolicyServer): Promise<PolicyClient> {
  const c = await PolicyClient.connect(s.url, { timeoutMs: 20_000 });
  clients.push(c);
  return c;
}
/** What the engine gives for the same observation called directly (image resized as the server promises). */
async function direct(obs: Record<string, WireValue>, decode: DecodeOptions): Promise<Float32Array> {
  const img = obs['observation/image'] as NdArray;
  const state = (obs['observation/state'] as NdArray).toFloat32();
  const r = await bundle.engine.predict(
    {
      images: [resizeRgb({ height: img.shape[0]!, width: img.shape[1]!, data: img.bytes }, BACKBONE.image.width, BACKBONE.image.height)],
      instructions: [obs.prompt as string],
      proprio: [Float32Array.of(state[0]!, state[1]!, state[2]!, state[6]!, state[7]!)],
    },
    decode,
  );
  return r.actions;
}
const actionsOf = (reply: Record<string, WireValue>) => reply.actions as NdArray;

beforeAll(async () => {
  bundle = await tinyBundle(11);
});
afterAll(async () => {
  for (const c of clients) c.terminate();
  for (const s of servers) await s.close();
  await bundle.dispose();
});

describe('openpi protocol round trip', () => {
  let server: PolicyServer;
  beforeAll(async () => {
    server = await serve({ mode: 'rsd', acceptance: EXACT });
  });

  it('sends the metadata on connect: bundle, manifest sha256, dims, mode, normalisation, image size and resizing', async () => {
    const c = await connect(server);
    const md = c.metadata;
    expect(md.bundle).toMatchObject({ name: 'tiny-11', manifest_sha256: sha256Hex(readFileSync(join(bundle.dir, 'manifest.json'))) });
    expect(md.dims).toEqual(DIMS);
    expect(md.decoding).toEqual({ mode: 'rsd', acceptance: 'exact', draft_layers: DIMS.k });
    expect(md.action_normalization).toEqual({ kind: 'bounds', low: [...bundle.engine.manifest.actionNormalization.low], high: [...bundle.engine.manifest.actionNormalization.high] });
    expect(md.image).toMatchObject({ height: 6, width: 5, resize: expect.stringMatching(/area average.*bilinear/) });
    expect(md.proprio_fields).toEqual(['eePos', 'gripperQpos']);
    expect(Object.keys(md.inputs as object)).toEqual(['observation/image', 'prompt', 'observation/state', 'features']);
  });

  it('answers an openpi LIBERO observation with actions float32 [C, A], server timing and RSD statistics', async () => {
    const c = await connect(server);
    const obs = liberoObservation(1);
    const reply = await c.infer(obs);
    const actions = actionsOf(reply);
    expect(actions.dtype).toBe('<f4');
    expect(actions.shape).toEqual([DIMS.C, DIMS.A]);
    expect(actions.toFloat32()).toEqual(await direct(obs, { mode: 'rsd', acceptance: EXACT }));
    expect(reply.server_timing).toMatchObject({ infer_ms: expect.any(Number), queue_ms: expect.any(Number), total_ms: expect.any(Number), batch_rows: 1 });
    const rs = reply.rsd_stats as Record<string, unknown>;
    expect(rs).toMatchObject({ mode: 'rsd', acceptance: 'exact', draft_layers: DIMS.k, image_resize: 'area-average' });
    expect(rs.main_passes).toBeGreaterThanOrEqual(1);
    expect(rs.main_passes).toBeLessThanOrEqual(DIMS.L);
    expect((rs.layers_decided_per_pass as number[]).reduce((a, b) => a + b, 0)).toBe(DIMS.L);
    expect(rs.accepted_layers).toBeGreaterThanOrEqual(0);
    // the second call on the connection reports the first one's total, as openpi's server does
    const again = await c.infer(liberoObservation(2, 6, 5));
    expect((again.server_timing as Record<string, number>).prev_total_ms).toBeGreaterThan(0);
    expect((again.rsd_stats as Record<string, unknown>).image_resize).toBe('none');
  });

  it('a request carrying features skips the backbone', async () => {
    const c = await connect(server);
    const features = Float32Array.from({ length: DIMS.F }, (_, i) => Math.cos(i));
    const reply = await c.infer({ features: NdArray.from(features) });
    const want = await bundle.engine.predictFromFeatures(features, 1, { mode: 'rsd', acceptance: EXACT });
    expect(actionsOf(reply).toFloat32()).toEqual(want.actions);
  });

  it('answers GET /healthz', async () => {
    const status = await new Promise<number>((resolve, reject) => get(`http://127.0.0.1:${server.port}/healthz`, (res) => {
        res.resume();
        resolve(res.statusCode ?? 0);
      }).on('error', reject));
    expect(status).toBe(200);
  });
});

describe('many clients at once', () => {
  const observations = Array.from({ length: 6 }, (_, i) => liberoObservation(100 + i, 8 + i, 7));

  async function replies(server: PolicyServer, nClients: number): Promise<Float32Array[][]> {
    const cs = await Promise.all(Array.from({ length: nClients }, () => connect(server)));
    // every client sends the same observations in a different order
    return Promise.all(
      cs.map(async (c, k) => {
        const out: Float32Array[] = new Array(observations.length);
        for (let i = 0; i < observations.length; i++) {
          const j = (i + 2 * k) % observations.length;
          out[j] = actionsOf(await c.infer(observations[j]!)).toFloat32();
        }
        return out;
      }),
    );
  }

  it('two concurrent clients are decoded in one batch (the wait ends when every client has a request queued)', async () => {
    const server = await serve({ mode: 'rsd', acceptance: EXACT }, { batching: { enabled: true, gatherMs: 60_000, maxRows: 16 } });
    const [a, b] = await Promise.all([connect(server), connect(server)]);
    const [ra, rb] = await Promise.all([a.infer(observations[0]!), b.infer(observations[1]!)]);
    expect((ra.server_timing as Record<string, number>).batch_rows).toBe(2);
    expect((rb.server_timing as Record<string, number>).batch_rows).toBe(2);
    expect(actionsOf(ra).toFloat32()).toEqual(await direct(observations[0]!, { mode: 'rsd', acceptance: EXACT }));
    expect(actionsOf(rb).toFloat32()).toEqual(await direct(observations[1]!, { mode: 'rsd', acceptance: EXACT }));
    expect(server.counters().engineCalls).toBe(1);
  });

  it('exact RSD and jacobi through the wire equal baseline for every client, batched or not', async () => {
    const base = await replies(await serve({ mode: 'baseline', acceptance: EXACT }, { batching: { enabled: false } }), 1);
    const rsdBatched = await replies(await serve({ mode: 'rsd', acceptance: EXACT }, { batching: { enabled: true, gatherMs: 50 } }), 3);
    const jacobiBatched = await replies(await serve({ mode: 'jacobi', acceptance: EXACT }, { batching: { enabled: true, gatherMs: 0 } }), 2);
    for (const perClient of [...rsdBatched, ...jacobiBatched]) {
      perClient.forEach((actions, i) => expect(actions).toEqual(base[0]![i]));
    }
  });

  it('a full queue is refused with a text frame naming the limit, replies stay in request order', async () => {
    const server = await serve({ mode: 'baseline', acceptance: EXACT }, { batching: { enabled: true, gatherMs: 1000, maxQueue: 2 } });
    const [a] = await Promise.all([connect(server), connect(server)]); // the second client stays idle: the queue waits for it
    const sent = [a.infer(observations[0]!), a.infer(observations[1]!), a.infer(observations[2]!)];
    const settled = await Promise.allSettled(sent);
    expect(settled.map((r) => r.status)).toEqual(['fulfilled', 'fulfilled', 'rejected']);
    expect((settled[2] as PromiseRejectedResult).reason.message).toMatch(/^server busy: 2 requests are queued, the limit \(--max-queue\) is 2; retry later$/);
    expect(((settled[0] as PromiseFulfilledResult<Record<string, WireValue>>).value.server_timing as Record<string, number>).batch_rows).toBe(2);
  });
});

describe('bad input gets a clear answer and the server stays up', () => {
  let server: PolicyServer;
  let c: PolicyClient;
  const good = liberoObservation(7);
  beforeAll(async () => {
    server = await serve({ mode: 'rsd', acceptance: EXACT }, { maxPayload: 64 * 1024, maxImageSide: 64 });
    c = await connect(server);
  });

  const withKey = (key: string, value: WireValue | undefined): Record<string, WireValue> => {
    const o: Record<string, WireValue> = { ...good };
    if (value === undefined) delete o[key];
    else o[key] = value;
    return o;
  };
  const cases: [string, () => Uint8Array | string | Record<string, WireValue>, RegExp][] = [
    ['malformed MessagePack', () => Uint8Array.of(0xc1, 0x00, 0x01), /^malformed request: not a msgpack_numpy message/],
    ['truncated MessagePack', () => Uint8Array.of(0x82, 0xa1, 0x61), /^malformed request/],
    ['a text frame', () => '{"prompt": "hi"}', /expected a binary frame/],
    ['not a dict', () => Uint8Array.of(0x92, 0x01, 0x02), /must be a dict of observation keys, got a list of 2/],
    ['an __ndarray__ whose bytes do not fit its shape', () => ({ ...good, 'observation/image': { __ndarray__: true, data: new Uint8Array(5), dtype: '|u1', shape: [2, 2, 3] } }), /malformed request.*5 bytes but dtype \|u1 and shape \[2, 2, 3\] need 12/],
    ['an unsupported dtype', () => ({ ...good, 'observation/state': { __ndarray__: true, data: new Uint8Array(16), dtype: '<c16', shape: [1] } }), /malformed request.*"<c16" is not supported/],
    ['a missing image', () => withKey('observation/image', undefined), /^missing key "observation\/image": expected uint8 \[H, W, 3\]/],
    ['a missing state', () => withKey('observation/state', undefined), /^missing key "observation\/state": expected a float array of at least 8 values \(eePos = \[0:3\], gripperQpos = \[6:8\]\)/],
    ['a missing prompt', () => withKey('prompt', undefined), /^missing key "prompt"/],
    ['a float image', () => withKey('observation/image', NdArray.from(new Float32Array(6 * 5 * 3), [6, 5, 3])), /^"observation\/image": expected uint8 \[H, W, 3\].*got ndarray <f4 \[6, 5, 3\]/],
    ['a CHW image', () => withKey('observation/image', NdArray.from(new Uint8Array(3 * 6 * 5), [3, 6, 5])), /^"observation\/image": expected uint8 \[H, W, 3\].*got ndarray \|u1 \[3, 6, 5\]/],
    ['an image over the side limit', () => withKey('observation/image', NdArray.from(new Uint8Array(65 * 2 * 3), [65, 2, 3])), /65x2 exceeds the server's image limit of 64 pixels a side \(--max-image-side\)/],
    ['a short state', () => withKey('observation/state', NdArray.from(new Float64Array(3))), /^"observation\/state": expected a float array of at least 8 values.*got ndarray <f8 \[3\]/],
    ['a 2-D state', () => withKey('observation/state', NdArray.from(new Float64Array(16), [2, 8])), /^"observation\/state": expected .*got ndarray <f8 \[2, 8\]/],
    ['a NaN in the state', () => withKey('observation/state', NdArray.from(Float64Array.of(0, 0, NaN, 0, 0, 0, 0, 0))), /^"observation\/state"\[2\] is NaN: values must be finite/],
    ['a string state', () => withKey('observation/state', 'x'), /^"observation\/state": expected .*got string/],
    ['a numeric prompt', () => withKey('prompt', 3), /^"prompt": expected the instruction as a str, got number/],
    ['features of the wrong size', () => ({ features: NdArray.from(new Float32Array(DIMS.F + 1)) }), /^"features": expected float32 \[16\] features, got ndarray <f4 \[17\]/],
  ];
  for (const [what, make, answer] of cases) {
    it(`${what}: a text frame says what was wrong; the same connection then decodes`, async () => {
      const m = make();
      c.send(typeof m === 'string' || m instanceof Uint8Array ? m : packb(m));
      const frame = await c.next();
      expect(frame.binary).toBe(false);
      const text = (frame as { text: string }).text;
      expect(text).toMatch(answer);
      expect(text).not.toMatch(/\n\s+at |\.ts:\d+/); // no stack trace
      expect(actionsOf(await c.infer(good)).shape).toEqual([DIMS.C, DIMS.A]);
    });
  }

  it('an oversized message closes only its connection (1009 message too big); the server keeps serving', async () => {
    const big = await connect(server);
    big.send(new Uint8Array(64 * 1024 + 1));
    await expect(big.next()).rejects.toThrow(/connection closed \(1009/);
    expect(big.closeInfo?.code).toBe(1009);
    expect(actionsOf(await c.infer(good)).shape).toEqual([DIMS.C, DIMS.A]);
    const fresh = await connect(server);
    expect(actionsOf(await fresh.infer(good)).shape).toEqual([DIMS.C, DIMS.A]);
  });

  it('a client that vanishes mid-request is dropped; its row is never decoded and others are served', async () => {
    const s = await serve({ mode: 'rsd', acceptance: EXACT }, { batching: { enabled: true, gatherMs: 60_000 } });
    const [gone, stays] = await Promise.all([connect(s), connect(s)]);
    gone.send(packb(good)); // waits in the queue for `stays`
    await new Promise((r) => setTimeout(r, 50));
    gone.terminate();
    for (let i = 0; i < 500 && s.counters().openConnections > 1; i++) await new Promise((r) => setTimeout(r, 20));
    const reply = await stays.infer(liberoObservation(8));
    expect((reply.server_timing as Record<string, number>).batch_rows).toBe(1);
    expect(s.counters()).toMatchObject({ engineCalls: 1, rowsDecoded: 1, dropped: 1 });
  });

  it('the openpi client sees a text frame as an error (PolicyServerError) and can go on', async () => {
    await expect(c.infer({ prompt: 'no image' })).rejects.toBeInstanceOf(PolicyServerError);
    expect(actionsOf(await c.infer(good)).shape).toEqual([DIMS.C, DIMS.A]);
  });
});

describe('shutting down', () => {
  it('close() says 1001 to connected clients, drops their queued rows and returns', async () => {
    const s = await startPolicyServer({ bundle: bundle.dir, engine: bundle.engine, port: 0, decode: { mode: 'rsd', acceptance: EXACT }, batching: { gatherMs: 60_000 }, log: () => {} });
    const [a, b] = [await PolicyClient.connect(s.url), await PolicyClient.connect(s.url)];
    const pending = a.infer(liberoObservation(4)).then(() => 'answered', (e: Error) => e.message); // queued, waiting for b
    await new Promise((r) => setTimeout(r, 50));
    await s.close();
    expect(await pending).toMatch(/connection closed \(1001 server shutting down\)/);
    expect(b.closeInfo).toEqual({ code: 1001, reason: 'server shutting down' });
    expect(s.counters()).toMatchObject({ engineCalls: 0, openConnections: 0 });
  });
});

describe('other bundles and start-up checks', () => {
  it('an external-backbone bundle is served from the features key', async () => {
    const ext = await tinyBundle(12, { kind: 'external', provider: 'test:stand-in', F: DIMS.F });
    try {
      const s = await startPolicyServer({ bundle: ext.dir, engine: ext.engine, port: 0, decode: { mode: 'rsd', acceptance: EXACT }, log: () => {} });
      servers.push(s);
      expect(s.metadata.image).toBeNull();
      const c = await connect(s);
      const features = Float32Array.from({ length: DIMS.F }, (_, i) => Math.sin(i));
      const reply = await c.infer({ features: NdArray.from(Float64Array.from(features), [1, DIMS.F]), prompt: 'ignored' });
      expect(actionsOf(reply).toFloat32()).toEqual((await ext.engine.predictFromFeatures(features, 1, { mode: 'baseline', acceptance: EXACT })).actions);
      await expect(c.infer(liberoObservation(1))).rejects.toThrow(/^missing key "features": expected float32 \[16\] features \(this bundle has an external backbone/);
      await s.close();
    } finally {
      await ext.dispose();
    }
  });

  it('refuses to start when the state map misses a proprio field, or the mode does not fit the bundle', async () => {
    await expect(
      startPolicyServer({ bundle: bundle.dir, engine: bundle.engine, port: 0, decode: { mode: 'rsd', acceptance: EXACT }, mapping: { imageKey: 'i', stateKey: 's', promptKey: 'p', featuresKey: 'f', stateSlices: { eePos: [0, 3] } }, log: () => {} }),
    ).rejects.toThrow(/reads proprio field gripperQpos .* which --state-map does not place in s/);
    await expect(startPolicyServer({ bundle: bundle.dir, engine: bundle.engine, port: 0, decode: { mode: 'rsd', acceptance: EXACT, draftLayers: 9 }, log: () => {} })).rejects.toMatchObject({ code: 'INVALID_OPTIONS', subject: 'draftLayers' });
  });
});
