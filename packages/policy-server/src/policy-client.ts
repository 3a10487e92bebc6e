import { WebSocket } from 'ws';
import { packb, unpackb, type WireValue } from './msgpack-numpy.ts';

/** The server answered a request with a text frame (bad input, busy, failed call). */
export class PolicyServerError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'PolicyServerError';
  }
}

type Frame = { readonly binary: true; readonly data: Uint8Array } | { readonly binary: false; readonly text: string };

/**
 * A client of openpi's websocket policy protocol in TypeScript (what `openpi_client`'s
 * `WebsocketClientPolicy` does): connect, read the metadata frame, then `infer(observation)` per
 * request. Frames are answered in order; a text frame becomes a `PolicyServerError`.
 */
export class PolicyClient {
  readonly #ws: WebSocket;
  readonly #frames: Frame[] = [];
  readonly #waiting: { resolve: (f: Frame) => void; reject: (e: Error) => void }[] = [];
  #closedError: Error | undefined;
  /** How the connection ended: close code and reason (once it has). */
  closeInfo: { code: number; reason: string } | undefined;

  private constructor(
    ws: WebSocket,
    /** The server's metadata frame. */
    readonly metadata: Record<string, WireValue>,
  ) {
    this.#ws = ws;
  }

  /** Connects to `ws://host:port` and reads the metadata frame (rejects after `timeoutMs`, default 30 s). */
  static async connect(url: string, options: { timeoutMs?: number } = {}): Promise<PolicyClient> {
    const ws = new WebSocket(url, { perMessageDeflate: false, maxPayload: 0 });
    const first = await new Promise<Frame>((resolve, reject) => {
      const timer = setTimeout(() => {
        ws.terminate();
        reject(new Error(`no metadata from ${url} within ${options.timeoutMs ?? 30_000} ms`));
      }, options.timeoutMs ?? 30_000);
      ws.once('error', (e) => {
        clearTimeout(timer);
        reject(e);
      });
      ws.once('message', (data, isBinary) => {
        clearTimeout(timer);
        resolve(isBinary ? { binary: true, data: toBytes(data) } : { binary: false, text: data.toString() });
      });
    });
    if (!first.binary) {
      ws.terminate();
      throw new PolicyServerError(`expected a metadata frame, got text: ${first.text}`);
    }
    const metadata = unpackb(first.data);
    const client = new PolicyClient(ws, metadata as Record<string, WireValue>);
    client.#listen();
    return client;
  }

  #listen(): void {
    this.#ws.on('message', (data, isBinary) => {
      const frame: Frame = isBinary ? { binary: true, data: toBytes(data) } : { binary: false, text: data.toString() };
      const w = this.#waiting.shift();
      if (w) w.resolve(frame);
      else this.#frames.push(frame);
    });
    const fail = (e: Error) => {
      this.#closedError ??= e;
      for (const w of this.#waiting.splice(0)) w.reject(this.#closedError);
    };
    this.#ws.on('error', fail);
    this.#ws.on('close', (code, reason) => {
      this.closeInfo = { code, reason: reason.toString() };
      fail(new Error(`connection closed (${code}${reason.length > 0 ? ` ${reason.toString()}` : ''})`));
    });
  }

  /** Sends raw bytes (or a text frame) without waiting: for tests of what the server does with them. */
  send(data: Uint8Array | string): void {
    this.#ws.send(data, { binary: typeof data !== 'string' });
  }

  /** The next frame from the server. */
  next(): Promise<Frame> {
    const f = this.#frames.shift();
    if (f) return Promise.resolve(f);
    if (this.#closedError) return Promise.reject(this.#closedError);
    return new Promise((resolve, reject) => this.#waiting.push({ resolve, reject }));
  }

  /** One request: `packb(observation)` out, the reply dict back (or a PolicyServerError). */
  async infer(observation: Record<string, WireValue>): Promise<Record<string, WireValue>> {
    this.send(packb(observation));
    const frame = await this.next();
    if (!frame.binary) throw new PolicyServerError(frame.text);
    return unpackb(frame.data) as Record<string, WireValue>;
  }

  /** Closes the connection (normal closure) and waits for it. */
  async close(): Promise<void> {
    if (this.#ws.readyState === WebSocket.CLOSED) return;
    await new Promise<void>((resolve) => {
      this.#ws.once('close', () => resolve());
      this.#ws.close(1000);
    });
  }

  /** Drops the TCP connection at once, as a client that vanishes does. */
  terminate(): void {
    this.#ws.terminate();
  }
}

function toBytes(data: Buffer | ArrayBuffer | Buffer[]): Uint8Array {
  if (Array.isArray(data)) return Buffer.concat(data);
  return data instanceof ArrayBuffer ? new Uint8Array(data) : data;
}
