import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { BridgeError } from '../errors/bridge-error.ts';
import { OutputTail } from './output-tail.ts';
import { pythonServerScriptPath } from './server-script.ts';
import type { BridgeTransport, TransportHandlers } from './transport.ts';

export interface StdioTransportOptions {
  /** Python interpreter with `libero` installed. Default: `$RSD_LIBERO_PYTHON`, else `python3`. */
  readonly python?: string;
  /** Extra arguments for `rsd_libero_server.py` (after `--stdio`). */
  readonly serverArgs?: readonly string[];
  /** Extra environment variables for the child (merged over this process's). */
  readonly env?: Readonly<Record<string, string | undefined>>;
  /** Receives the child's stderr as it arrives (it is also kept for error messages). */
  readonly onStderr?: (text: string) => void;
  /** How long `close` waits for the child to exit before SIGKILL, ms. Default 2000. */
  readonly killAfterMs?: number;
}

/** Spawns the Python server in stdio mode; resolves once the child process is running. */
export async function spawnStdioTransport(options: StdioTransportOptions = {}): Promise<BridgeTransport> {
  const python = options.python ?? process.env.RSD_LIBERO_PYTHON ?? 'python3';
  const child = spawn(python, ['-u', pythonServerScriptPath(), '--stdio', ...(options.serverArgs ?? [])], {
    env: { ...process.env, ...options.env },
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  await new Promise<void>((resolve, reject) => {
    child.once('spawn', resolve);
    child.once('error', (cause) =>
      reject(new BridgeError('IO_ERROR', `could not start ${python}: ${cause.message}`, { subject: 'python', cause })),
    );
  });
  return new StdioTransport(child, python, options);
}

class StdioTransport implements BridgeTransport {
  readonly description: string;
  private readonly stderr = new OutputTail();
  private readonly exited: Promise<void>;
  private handlers: TransportHandlers | undefined;
  private ended = false;

  constructor(
    private readonly child: ChildProcessWithoutNullStreams,
    python: string,
    private readonly options: StdioTransportOptions,
  ) {
    this.description = `${python} rsd_libero_server.py (pid ${child.pid})`;
    child.stderr.setEncoding('utf8');
    child.stderr.on('data', (text: string) => {
      this.stderr.append(text);
      options.onStderr?.(text);
    });
    child.stdout.on('data', (chunk: Buffer) =>
      this.handlers?.data(new Uint8Array(chunk.buffer, chunk.byteOffset, chunk.length)),
    );
    // Writes to a dead child fail with EPIPE; the 'close' event below reports the death.
    child.stdin.on('error', () => undefined);
    this.exited = new Promise((resolve) => {
      child.once('close', (code, signal) => {
        this.ended = true;
        const how = signal === null ? `exited with code ${code}` : `was killed by ${signal}`;
        const tail = this.stderr.toString();
        this.handlers?.closed(`${how}${tail ? `; its stderr ends with:\n${tail}` : ' (no stderr output)'}`);
        resolve();
      });
    });
  }

  start(handlers: TransportHandlers): void {
    this.handlers = handlers;
  }

  send(bytes: Uint8Array): void {
    if (!this.ended) this.child.stdin.write(bytes);
  }

  async close(): Promise<void> {
    if (!this.ended) {
      this.child.stdin.end();
      const timer = setTimeout(() => this.child.kill('SIGKILL'), this.options.killAfterMs ?? 2000);
      await this.exited;
      clearTimeout(timer);
    }
  }
}
