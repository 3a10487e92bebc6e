import { spawn } from 'node:child_process';
import { BridgeError } from '../errors/bridge-error.ts';
import { OutputTail } from './output-tail.ts';
import { pythonServerScriptPath } from './server-script.ts';

export interface PythonTcpServerOptions {
  /** Python interpreter with `libero` installed. Default `python3`. */
  readonly python?: string;
  /** Address to bind. Default `127.0.0.1`; anything else also needs `--allow-remote` in serverArgs. */
  readonly host?: string;
  /** Port to bind; 0 (default) lets the system pick a free one. */
  readonly port?: number;
  /** Shared token clients must send. */
  readonly token?: string;
  readonly serverArgs?: readonly string[];
  readonly env?: Readonly<Record<string, string | undefined>>;
  /** How long to wait for the server to listen, ms. Default 60 000. */
  readonly startTimeoutMs?: number;
}

export interface PythonTcpServer {
  /** `tcp://host:port`, ready for `createPythonEnv({ transport: 'tcp', url })`. */
  readonly url: string;
  readonly port: number;
  /** Stops the server (SIGTERM, then SIGKILL after 2 s). Idempotent. */
  close(): Promise<void>;
}

const LISTENING = /RSD_LIBERO_LISTENING (\S+):(\d+)/;

/**
 * Starts `rsd_libero_server.py --tcp` as a child process and resolves once it listens (it prints
 * `RSD_LIBERO_LISTENING host:port` on stderr). A server that exits first is an IO_ERROR with its
 * stderr.
 */
export async function spawnPythonTcpServer(options: PythonTcpServerOptions = {}): Promise<PythonTcpServer> {
  const host = options.host ?? '127.0.0.1';
  const port = options.port ?? 0;
  if (!Number.isSafeInteger(port) || port < 0 || port > 65535)
    throw new RangeError(`options.port must be in [0, 65535], got ${port}`);
  const args = ['-u', pythonServerScriptPath(), '--tcp', `${host}:${port}`, ...(options.serverArgs ?? [])];
  const env = {
    ...process.env,
    ...options.env,
    ...(options.token === undefined ? {} : { RSD_LIBERO_TOKEN: options.token }),
  };
  const child = spawn(options.python ?? 'python3', args, { env, stdio: ['ignore', 'ignore', 'pipe'] });
  const stderr = new OutputTail();
  child.stderr.setEncoding('utf8');
  const exited = new Promise<void>((resolve) => child.once('close', () => resolve()));
  const bound = await new Promise<number>((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(
        new BridgeError(
          'TIMEOUT',
          `python server did not listen within ${options.startTimeoutMs ?? 60_000} ms: ${stderr}`,
        ),
      );
    }, options.startTimeoutMs ?? 60_000);
    child.stderr.on('data', (text: string) => {
      stderr.append(text);
      const m = LISTENING.exec(stderr.toString());
      if (m) {
        clearTimeout(timer);
        resolve(Number(m[2]));
      }
    });
    child.once('error', (cause) => {
      clearTimeout(timer);
      reject(new BridgeError('IO_ERROR', `could not start the python server: ${cause.message}`, { cause }));
    });
    child.once('close', (code, signal) => {
      clearTimeout(timer);
      reject(
        new BridgeError('IO_ERROR', `python server exited (${signal ?? `code ${code}`}) before listening: ${stderr}`),
      );
    });
  });
  let closing: Promise<void> | undefined;
  return {
    url: `tcp://${host.includes(':') ? `[${host}]` : host}:${bound}`,
    port: bound,
    close() {
      closing ??= (async () => {
        if (child.exitCode === null && child.signalCode === null) {
          child.kill('SIGTERM');
          const timer = setTimeout(() => child.kill('SIGKILL'), 2000);
          await exited;
          clearTimeout(timer);
        }
      })();
      return closing;
    },
  };
}
