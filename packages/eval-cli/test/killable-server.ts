import { spawn, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';
import { pythonServerScriptPath } from '@rsd/libero-bridge';
import { STAND_IN_PYTHONPATH } from './fixtures.ts';

/**
 * A bridge TCP server on the stand-in `libero`, on 127.0.0.1, in a process group of its own, so a
 * test can kill it the way a crashed machine would: the server and every forked client child at
 * once (SIGKILL to the group). `restart()` starts it again at the same port.
 */
export class KillableServer {
  #child: ChildProcess | undefined;
  port = 0;

  get url(): string {
    return `tcp://127.0.0.1:${this.port}`;
  }

  get running(): boolean {
    return this.#child !== undefined;
  }

  /** Starts the server (port 0 the first time: a free one; then the same) and resolves once it listens. */
  async start(): Promise<this> {
    if (this.#child !== undefined) throw new Error(`${this.url} is already running`);
    const child = spawn('python3', ['-u', pythonServerScriptPath(), '--tcp', `127.0.0.1:${this.port}`], {
      env: { ...process.env, PYTHONPATH: STAND_IN_PYTHONPATH, PYTHONDONTWRITEBYTECODE: '1' },
      stdio: ['ignore', 'ignore', 'pipe'],
      detached: true,
    });
    this.#child = child;
    let err = '';
    this.port = await new Promise<number>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`server did not listen within 30 s: ${err}`)), 30_000);
      child.stderr!.setEncoding('utf8');
      child.stderr!.on('data', (text: string) => {
        err = (err + text).slice(-4000);
        const m = /RSD_LIBERO_LISTENING \S+:(\d+)/.exec(err);
        if (m !== null) {
          clearTimeout(timer);
          resolve(Number(m[1]));
        }
      });
      child.once('exit', (code, signal) => {
        clearTimeout(timer);
        reject(new Error(`server exited (${signal ?? code}) before listening: ${err}`));
      });
    });
    return this;
  }

  /** SIGKILL to the whole process group (the server and its forked children); resolves once the server is gone. */
  async kill(): Promise<void> {
    const child = this.#child;
    if (child === undefined) return;
    this.#child = undefined;
    const exited = child.exitCode !== null || child.signalCode !== null ? Promise.resolve() : new Promise<void>((r) => child.once('exit', () => r()));
    try {
      process.kill(-child.pid!, 'SIGKILL');
    } catch {
      // already gone
    }
    await exited;
  }

  async restart(): Promise<this> {
    await this.kill();
    return this.start();
  }
}

/** A loopback port nothing listens on (bound once, then released): connecting to it is refused. */
export async function refusingPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  const port = (server.address() as { port: number }).port;
  await new Promise<void>((r) => server.close(() => r()));
  return port;
}
