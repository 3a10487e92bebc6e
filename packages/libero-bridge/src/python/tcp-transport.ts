import { connect, type Socket } from 'node:net';
import { BridgeError } from '../errors/bridge-error.ts';
import type { BridgeTransport, TransportHandlers } from './transport.ts';

/** Parses `tcp://host:port` (IPv6 hosts in brackets). */
export function parseTcpUrl(url: string): { host: string; port: number } {
  if (typeof url !== 'string') throw new TypeError('url must be a string like tcp://127.0.0.1:5555');
  const m = /^tcp:\/\/(\[[^\]]+\]|[^:/[\]]+):(\d{1,5})\/?$/.exec(url);
  const port = m ? Number(m[2]) : NaN;
  if (!m || !(port > 0 && port < 65536)) throw new TypeError(`url must look like tcp://127.0.0.1:5555, got ${url}`);
  return { host: m[1]!.replace(/^\[|\]$/g, ''), port };
}

/** Connects to a Python server started with `--tcp`; resolves once the socket is connected. */
export async function connectTcpTransport(url: string, connectTimeoutMs = 10_000): Promise<BridgeTransport> {
  const { host, port } = parseTcpUrl(url);
  const socket = connect({ host, port });
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => {
      socket.destroy();
      reject(new BridgeError('TIMEOUT', `no connection to ${url} within ${connectTimeoutMs} ms`, { subject: 'url' }));
    }, connectTimeoutMs);
    socket.once('connect', () => {
      clearTimeout(timer);
      resolve();
    });
    socket.once('error', (cause) => {
      clearTimeout(timer);
      reject(new BridgeError('IO_ERROR', `could not connect to ${url}: ${cause.message}`, { subject: 'url', cause }));
    });
  });
  socket.setNoDelay(true);
  return new TcpTransport(socket, url);
}

class TcpTransport implements BridgeTransport {
  private handlers: TransportHandlers | undefined;
  private lastError: Error | undefined;
  private readonly closedPromise: Promise<void>;

  constructor(
    private readonly socket: Socket,
    readonly description: string,
  ) {
    socket.on('data', (chunk: Buffer) =>
      this.handlers?.data(new Uint8Array(chunk.buffer, chunk.byteOffset, chunk.length)),
    );
    socket.on('error', (error) => {
      this.lastError = error;
    });
    this.closedPromise = new Promise((resolve) => {
      socket.once('close', () => {
        const why = this.lastError
          ? `the connection failed: ${this.lastError.message}`
          : 'the server closed the connection';
        this.handlers?.closed(why);
        resolve();
      });
    });
  }

  start(handlers: TransportHandlers): void {
    this.handlers = handlers;
  }

  send(bytes: Uint8Array): void {
    if (!this.socket.destroyed) this.socket.write(bytes);
  }

  async close(): Promise<void> {
    this.socket.end();
    this.socket.destroySoon();
    const timer = setTimeout(() => this.socket.destroy(), 2000);
    await this.closedPromise;
    clearTimeout(timer);
  }
}
