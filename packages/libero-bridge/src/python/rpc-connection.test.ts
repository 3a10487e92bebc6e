import { fc, test } from '@fast-check/vitest';
import { createServer, type Server, type Socket } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { BridgeError, type BridgeErrorCode } from '../errors/bridge-error.ts';
import { encodeFrame } from '../protocol/encode-frame.ts';
import { FrameDecoder } from '../protocol/frame-decoder.ts';
import type { Frame } from '../protocol/frame.ts';
import { createPythonEnv } from './python-env.ts';
import { RpcConnection } from './rpc-connection.ts';
import type { BridgeTransport, TransportHandlers } from './transport.ts';

/** In-memory transport: records what the client sends, lets the test play the server. */
class FakeTransport implements BridgeTransport {
  readonly description = 'fake server';
  readonly sent: Frame[] = [];
  closed = 0;
  private handlers!: TransportHandlers;
  private readonly decoder = new FrameDecoder();
  start(h: TransportHandlers): void {
    this.handlers = h;
  }
  send(bytes: Uint8Array): void {
    this.sent.push(...this.decoder.push(bytes));
  }
  async close(): Promise<void> {
    this.closed++;
  }
  reply(header: Record<string, unknown>): void {
    this.handlers.data(encodeFrame(header));
  }
  raw(bytes: Uint8Array): void {
    this.handlers.data(bytes);
  }
  die(reason: string): void {
    this.handlers.closed(reason);
  }
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

const opts = { timeoutMs: 5000, context: 'step 4 of episode X' };

describe('RpcConnection', () => {
  it('numbers requests and matches replies by id, in any order', async () => {
    const t = new FakeTransport();
    const c = new RpcConnection(t);
    const a = c.request({ type: 'list_suites' }, opts);
    const b = c.request({ type: 'close' }, opts);
    expect(t.sent.map((f) => f.header)).toEqual([
      { type: 'list_suites', id: 1 },
      { type: 'close', id: 2 },
    ]);
    t.reply({ type: 'closed', id: 2 });
    t.reply({ type: 'suites', id: 1, suites: [] });
    expect((await a).header.type).toBe('suites');
    expect((await b).header.type).toBe('closed');
  });

  it('turns an error reply into a BridgeError with the server text and known code', async () => {
    const t = new FakeTransport();
    const c = new RpcConnection(t);
    const p = c.request({ type: 'list_suites' }, opts);
    t.reply({ type: 'error', id: 1, error: { type: 'KeyError', message: "'libero_spatial'", code: 'UNKNOWN_SUITE' } });
    expect((await rejection(p, 'UNKNOWN_SUITE')).message).toBe(
      "step 4 of episode X: python server replied KeyError: 'libero_spatial'",
    );
    const q = c.request({ type: 'list_suites' }, opts);
    t.reply({ type: 'error', id: 2, error: { type: 'OSError', message: 'disk on fire', code: 'NOT_A_CODE' } });
    expect((await rejection(q, 'SERVER_ERROR')).message).toMatch(/OSError: disk on fire/);
  });

  it('a reply of the wrong type is a PROTOCOL_ERROR', async () => {
    const t = new FakeTransport();
    const p = new RpcConnection(t).request({ type: 'list_suites' }, opts);
    t.reply({ type: 'observation', id: 1 });
    await rejection(p, 'PROTOCOL_ERROR');
  });

  it('garbage from the server fails pending and later requests with PROTOCOL_ERROR and closes', async () => {
    const t = new FakeTransport();
    const c = new RpcConnection(t);
    const p = c.request({ type: 'list_suites' }, opts);
    t.raw(new TextEncoder().encode('Traceback (most recent call last):\n'));
    expect((await rejection(p, 'PROTOCOL_ERROR')).message).toMatch(/fake server sent corrupt frame/);
    await rejection(c.request({ type: 'list_suites' }, opts), 'PROTOCOL_ERROR');
    expect(t.closed).toBeGreaterThan(0);
  });

  it('an error reply without its body fails the connection with PROTOCOL_ERROR', async () => {
    const t = new FakeTransport();
    const c = new RpcConnection(t);
    const p = c.request({ type: 'list_suites' }, opts);
    const q = c.request({ type: 'list_suites' }, opts);
    t.reply({ type: 'error', id: 1 });
    expect((await rejection(p, 'PROTOCOL_ERROR')).message).toMatch(/missing "error"/);
    await rejection(q, 'PROTOCOL_ERROR');
  });

  it('a reply with an unknown id is a PROTOCOL_ERROR', async () => {
    const t = new FakeTransport();
    const c = new RpcConnection(t);
    const p = c.request({ type: 'list_suites' }, opts);
    t.reply({ type: 'suites', id: 77, suites: [] });
    await rejection(p, 'PROTOCOL_ERROR');
  });

  it('a dead server rejects pending and later requests with SERVER_DIED and its reason', async () => {
    const t = new FakeTransport();
    const c = new RpcConnection(t);
    const p = c.request({ type: 'step', action: [0, 0, 0, 0, 0, 0, 0] }, opts);
    t.die('exited with code 139; its stderr ends with:\nSegmentation fault');
    const e = await rejection(p, 'SERVER_DIED');
    expect(e.message).toMatch(/^step 4 of episode X: the python server fake server died: exited with code 139/);
    expect(e.message).toMatch(/Segmentation fault/);
    const later = await rejection(
      c.request({ type: 'list_suites' }, { ...opts, context: 'listSuites' }),
      'SERVER_DIED',
    );
    expect(later.message).toMatch(/^listSuites: /);
  });

  it('a request without an answer times out and abandons the connection', async () => {
    const t = new FakeTransport();
    const c = new RpcConnection(t);
    const e = await rejection(c.request({ type: 'list_suites' }, { timeoutMs: 20, context: 'listSuites' }), 'TIMEOUT');
    expect(e.message).toMatch(/did not answer list_suites within 20 ms/);
    t.reply({ type: 'suites', id: 1, suites: [] });
    await rejection(c.request({ type: 'list_suites' }, opts), 'TIMEOUT');
    expect(t.closed).toBeGreaterThan(0);
  });
});

describe('RpcConnection against arbitrary server bytes', () => {
  test.prop([fc.array(fc.uint8Array({ maxLength: 64 }), { maxLength: 5 }), fc.boolean()])(
    'a pending request resolves with a frame or rejects with a BridgeError, never anything else',
    async (chunks, dies) => {
      const t = new FakeTransport();
      const c = new RpcConnection(t);
      const p = c.request({ type: 'list_suites' }, { timeoutMs: 1000, context: 'listSuites' });
      for (const chunk of chunks) t.raw(chunk);
      if (dies) t.die('gone');
      else t.reply({ type: 'suites', id: 1, suites: [] });
      const outcome = await p.then(
        (f) => f,
        (e: unknown) => e,
      );
      expect(
        BridgeError.isInstance(outcome) || (typeof outcome === 'object' && outcome !== null && 'header' in outcome),
      ).toBe(true);
      await c.close();
    },
  );
});

describe('createPythonEnv handshake with a foreign server', () => {
  let server: Server | undefined;
  const sockets: Socket[] = [];
  afterEach(async () => {
    sockets.splice(0).forEach((s) => s.destroy());
    await new Promise((r) => (server ? server.close(r) : r(undefined)));
    server = undefined;
  });

  /** A TCP server on 127.0.0.1 answering every hello with `reply(id)`. */
  async function fakeServer(reply: (id: number) => Uint8Array): Promise<string> {
    server = createServer((socket) => {
      sockets.push(socket);
      const d = new FrameDecoder();
      socket.on('data', (b) => {
        for (const f of d.push(new Uint8Array(b))) socket.write(reply(f.header.id as number));
      });
    });
    await new Promise<void>((r) => server!.listen(0, '127.0.0.1', r));
    const address = server.address();
    return `tcp://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
  }

  it('refuses a server that speaks another protocol version, naming both', async () => {
    const url = await fakeServer((id) => encodeFrame({ type: 'hello', id, version: 'rsd-libero/999' }));
    const e = await rejection(createPythonEnv({ transport: 'tcp', url }), 'PROTOCOL_VERSION_MISMATCH');
    expect(e.message).toMatch(/"rsd-libero\/999".*rsd-libero\/1/);
  });

  it('times out on a server that never answers hello', async () => {
    const url = await fakeServer(() => new Uint8Array(0));
    await rejection(createPythonEnv({ transport: 'tcp', url, timeouts: { connectMs: 50 } }), 'TIMEOUT');
  });

  it('refuses a malformed url by argument', async () => {
    await expect(createPythonEnv({ transport: 'tcp', url: 'http://127.0.0.1:80' })).rejects.toThrow(TypeError);
  });
});
