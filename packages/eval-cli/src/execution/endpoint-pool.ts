import { isSetupFault } from '@rsd/libero-bridge';
import { setupFaultMessage } from '../env/setup-fault-message.ts';
import { EvalError } from '../errors/eval-error.ts';

/** How an endpoint pool probes, backs off and waits. */
export interface EndpointPoolOptions {
  /** `tcp://host:port` of every LIBERO server, in `--env` order. */
  readonly endpoints: readonly string[];
  /** Connects, says hello and disconnects; rejects when the server does not answer (or refuses). */
  readonly probe: (endpoint: string) => Promise<void>;
  /** How long the run waits, with no endpoint alive, for one to answer again before it stops. */
  readonly serverWaitMs: number;
  /** Re-probe delay of a dead endpoint: `initialMs · 2^(failures-1)`, at most `maxMs`. Default 500 / 10 000. */
  readonly backoff?: { readonly initialMs: number; readonly maxMs: number };
  readonly log?: (line: string) => void;
}

type State = 'alive' | 'probing' | 'dead';

interface Endpoint {
  readonly url: string;
  state: State;
  /** Episodes running on it now. */
  load: number;
  /** Failed probes in a row. */
  failures: number;
  lastError: string | undefined;
  downSince: number;
  timer: NodeJS.Timeout | undefined;
}

const errorText = (error: unknown) => {
  const e = error as { message?: unknown; code?: unknown };
  const text = typeof e?.message === 'string' ? e.message : String(error);
  return typeof e?.code === 'string' && !text.includes(e.code) ? `${e.code}: ${text}` : text;
};

/**
 * Health of the LIBERO servers of a TCP run. Episodes are given the least-loaded live endpoint.
 * An endpoint whose episode failed for an infrastructure reason is probed at once: if it answers,
 * it stays (the failure was the connection's or the episode's own); if not, it leaves the rotation
 * and is re-probed with exponential backoff, so a server restarted at the same address rejoins.
 * With no endpoint alive for `serverWaitMs`, `acquire` fails with SERVERS_DOWN naming every
 * endpoint and its last error.
 */
export class EndpointPool {
  readonly #endpoints: Endpoint[];
  readonly #probe: (endpoint: string) => Promise<void>;
  readonly #serverWaitMs: number;
  readonly #backoff: { readonly initialMs: number; readonly maxMs: number };
  readonly #log: (line: string) => void;
  #waiters: (() => void)[] = [];
  /** When the last live endpoint went down (undefined while one is alive). */
  #allDownSince: number | undefined;
  #closed = false;

  constructor(options: EndpointPoolOptions) {
    if (options.endpoints.length === 0) throw new RangeError('options.endpoints must not be empty');
    if (!(options.serverWaitMs >= 0)) throw new RangeError(`options.serverWaitMs must be >= 0, got ${options.serverWaitMs}`);
    this.#endpoints = options.endpoints.map((url) => ({ url, state: 'probing', load: 0, failures: 0, lastError: undefined, downSince: 0, timer: undefined }));
    this.#probe = options.probe;
    this.#serverWaitMs = options.serverWaitMs;
    this.#backoff = options.backoff ?? { initialMs: 500, maxMs: 10_000 };
    this.#log = options.log ?? (() => {});
  }

  /** Endpoints that take episodes now. */
  get alive(): string[] {
    return this.#endpoints.filter((e) => e.state === 'alive').map((e) => e.url);
  }

  /**
   * Probes every endpoint. A setup fault (wrong token, another protocol, no LIBERO, no features
   * module) stops the run: SETUP_FAILED. Endpoints that do not answer are a warning when others
   * do (they are re-probed with backoff and join when they answer), SETUP_FAILED when none does.
   */
  async start(): Promise<void> {
    const results = await Promise.all(this.#endpoints.map((e) => this.#probe(e.url).then(() => undefined, (error: unknown) => error)));
    const fault = results.find((r) => isSetupFault(r));
    if (fault !== undefined && isSetupFault(fault)) {
      this.close();
      throw new EvalError('SETUP_FAILED', setupFaultMessage(fault), { subject: fault.code, cause: fault });
    }
    const now = Date.now();
    results.forEach((error, i) => {
      const e = this.#endpoints[i]!;
      if (error === undefined) {
        e.state = 'alive';
      } else {
        e.state = 'dead';
        e.failures = 1;
        e.lastError = errorText(error);
        e.downSince = now;
      }
    });
    const dead = this.#endpoints.filter((e) => e.state === 'dead');
    if (dead.length === this.#endpoints.length) {
      this.close();
      throw new EvalError('SETUP_FAILED', `no LIBERO server answers: ${this.#describe(dead)}. Start the servers (or fix --env) and run again`, { subject: 'env' });
    }
    for (const e of dead) {
      this.#log(`warning: LIBERO server ${e.url} does not answer (${e.lastError}); running on ${this.alive.join(', ')}; it is retried with backoff and joins when it answers`);
      this.#schedule(e);
    }
  }

  /**
   * A live endpoint for the next episode: `preferred` (the runner's current connection) unless
   * another live one carries fewer episodes, else the least-loaded in `--env` order. Waits while
   * none is alive; fails with SERVERS_DOWN once none has been for `serverWaitMs`.
   */
  async acquire(preferred?: string): Promise<string> {
    for (;;) {
      if (this.#closed) throw new EvalError('SERVERS_DOWN', 'the endpoint pool is closed', { subject: 'env' });
      const alive = this.#endpoints.filter((e) => e.state === 'alive');
      if (alive.length > 0) {
        const least = Math.min(...alive.map((e) => e.load));
        const pick = alive.find((e) => e.url === preferred && e.load === least) ?? alive.find((e) => e.load === least)!;
        pick.load++;
        return pick.url;
      }
      const since = this.#allDownSince ?? Date.now();
      this.#allDownSince = since;
      const left = since + this.#serverWaitMs - Date.now();
      if (left <= 0) {
        throw new EvalError(
          'SERVERS_DOWN',
          `no LIBERO server answered for ${Math.round(this.#serverWaitMs / 1000)} s: ${this.#describe(this.#endpoints)}`,
          { subject: 'env' },
        );
      }
      await this.#changeOr(left);
    }
  }

  /** The episode that `acquire` gave `endpoint` to has ended (however it ended). */
  release(endpoint: string): void {
    const e = this.#find(endpoint);
    if (e.load > 0) e.load--;
  }

  /**
   * An episode on `endpoint` failed for an infrastructure reason: the endpoint leaves the rotation
   * until a probe says whether it answers (then it stays) or not (then it is dead, re-probed with backoff).
   */
  reportFailure(endpoint: string, error: string): void {
    const e = this.#find(endpoint);
    e.lastError = error;
    if (e.state !== 'alive' || this.#closed) return;
    e.state = 'probing';
    this.#noteAllDown();
    void this.#runProbe(e);
  }

  /** Stops every re-probe timer and wakes every waiter (which then fails). Idempotent. */
  close(): void {
    this.#closed = true;
    for (const e of this.#endpoints) clearTimeout(e.timer);
    this.#wake();
  }

  async #runProbe(e: Endpoint): Promise<void> {
    let error: unknown;
    try {
      await this.#probe(e.url);
    } catch (x) {
      error = x;
    }
    if (this.#closed) return;
    if (error === undefined) {
      if (e.state === 'dead' || e.failures > 0) this.#log(`LIBERO server ${e.url} answers again after ${((Date.now() - e.downSince) / 1000).toFixed(1)} s: back in the rotation`);
      e.state = 'alive';
      e.failures = 0;
      this.#allDownSince = undefined;
      this.#wake();
      return;
    }
    if (e.failures === 0) e.downSince = Date.now();
    e.failures++;
    e.state = 'dead';
    e.lastError = errorText(error);
    const delay = this.#schedule(e);
    if (e.failures === 1) this.#log(`LIBERO server ${e.url} is down (${e.lastError}): out of the rotation, probed again in ${(delay / 1000).toFixed(1)} s with backoff`);
    this.#noteAllDown();
    this.#wake();
  }

  #schedule(e: Endpoint): number {
    const delay = Math.min(this.#backoff.maxMs, this.#backoff.initialMs * 2 ** Math.max(0, e.failures - 1));
    clearTimeout(e.timer);
    e.timer = setTimeout(() => {
      e.timer = undefined;
      if (this.#closed || e.state !== 'dead') return;
      e.state = 'probing';
      void this.#runProbe(e);
    }, delay);
    e.timer.unref();
    return delay;
  }

  #noteAllDown(): void {
    if (this.#allDownSince === undefined && this.#endpoints.every((e) => e.state !== 'alive')) this.#allDownSince = Date.now();
  }

  #changeOr(ms: number): Promise<void> {
    return new Promise<void>((resolve) => {
      const timer = setTimeout(done, ms);
      function done() {
        clearTimeout(timer);
        resolve();
      }
      this.#waiters.push(done);
    });
  }

  #wake(): void {
    const waiters = this.#waiters;
    this.#waiters = [];
    for (const w of waiters) w();
  }

  #find(url: string): Endpoint {
    const e = this.#endpoints.find((x) => x.url === url);
    if (e === undefined) throw new RangeError(`unknown endpoint ${url}`);
    return e;
  }

  #describe(list: readonly Endpoint[]): string {
    return list.map((e) => `${e.url} (${e.state === 'alive' ? 'alive' : `last error: ${e.lastError ?? 'none'}`})`).join('; ');
  }
}
