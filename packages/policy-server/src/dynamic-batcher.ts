import { RequestError } from './request-error.ts';

/** How requests of different clients are gathered into one engine call. */
export interface BatchingOptions {
  /** Off: every request is its own engine call, in arrival order. */
  readonly enabled: boolean;
  /** Most rows in one engine call. */
  readonly maxRows: number;
  /**
   * Longest a queued request waits for others before its call starts, ms (the bounded wait).
   * The wait ends early when the batch is full or every connected client has a request queued.
   */
  readonly gatherMs: number;
  /** Most requests queued (all clients together); beyond it a request is refused with a text frame. */
  readonly maxQueue: number;
}

export const DEFAULT_BATCHING: BatchingOptions = { enabled: true, maxRows: 16, gatherMs: 2, maxQueue: 256 };

/** What the engine runner returns for a batch: per row a result or an error. */
export type RowOutcome<R> = { readonly ok: true; readonly value: R } | { readonly ok: false; readonly error: unknown };

interface Job<T, R> {
  readonly row: T;
  readonly group: string;
  readonly enqueuedAt: number;
  readonly cancelled: () => boolean;
  readonly resolve: (r: { outcome: RowOutcome<R>; queueMs: number; batchRows: number }) => void;
}

/**
 * A queue in front of the engine: one engine call at a time; the rows waiting when a call starts
 * (same `group`, i.e. the same engine entry point, up to `maxRows`) go into it together.
 * Requests whose client has gone are dropped before their call. The engine decodes every row on
 * its own (a row's output never depends on the other rows), so batching changes timing only.
 */
export class DynamicBatcher<T, R> {
  readonly #queue: Job<T, R>[] = [];
  #busy = false;
  #timer: NodeJS.Timeout | undefined;
  #scheduled = false;
  #closed = false;
  readonly #idleWaiters: (() => void)[] = [];

  constructor(
    private readonly run: (rows: readonly T[]) => Promise<RowOutcome<R>[]>,
    private readonly options: BatchingOptions,
    /** How many connected clients have no request queued or running (they may still send one). */
    private readonly idleClients: () => number = () => 0,
  ) {}

  /** Requests queued now (not counting the running call). */
  get queued(): number {
    return this.#queue.length;
  }

  /** Queues a row; resolves when its call has run (or with an error outcome if it could not). */
  submit(row: T, group: string, cancelled: () => boolean): Promise<{ outcome: RowOutcome<R>; queueMs: number; batchRows: number }> {
    if (this.#closed) return Promise.resolve({ outcome: { ok: false, error: new RequestError('the server is shutting down') }, queueMs: 0, batchRows: 0 });
    if (this.#queue.length >= this.options.maxQueue) {
      const error = new RequestError(`server busy: ${this.#queue.length} requests are queued, the limit (--max-queue) is ${this.options.maxQueue}; retry later`, 'max-queue');
      return Promise.resolve({ outcome: { ok: false, error }, queueMs: 0, batchRows: 0 });
    }
    return new Promise((resolve) => {
      this.#queue.push({ row, group, enqueuedAt: performance.now(), cancelled, resolve });
      this.#schedule();
    });
  }

  /** Refuses new rows; queued rows are still run. */
  close(): void {
    this.#closed = true;
  }

  /** Resolves once no call is running and nothing is queued (rows of vanished clients are dropped, not run). */
  idle(): Promise<void> {
    if (!this.#busy && this.#queue.length === 0) return Promise.resolve();
    this.#schedule();
    return new Promise((resolve) => this.#idleWaiters.push(resolve));
  }

  /** Runs the pump after the I/O already read in this turn of the event loop, so messages that arrived together are gathered. */
  #schedule(): void {
    if (this.#scheduled) return;
    this.#scheduled = true;
    setImmediate(() => {
      this.#scheduled = false;
      this.#pump();
    });
  }

  #pump(): void {
    if (this.#busy) return;
    for (let i = this.#queue.length - 1; i >= 0; i--) {
      const job = this.#queue[i]!;
      if (job.cancelled()) {
        this.#queue.splice(i, 1);
        job.resolve({ outcome: { ok: false, error: new RequestError('the client went away') }, queueMs: 0, batchRows: 0 });
      }
    }
    if (this.#queue.length === 0) {
      for (const w of this.#idleWaiters.splice(0)) w();
      return;
    }
    const { enabled, maxRows, gatherMs } = this.options;
    const head = this.#queue[0]!;
    if (enabled && gatherMs > 0 && this.#queue.length < maxRows && this.idleClients() > 0) {
      const left = head.enqueuedAt + gatherMs - performance.now();
      if (left > 0) {
        if (this.#timer === undefined) {
          this.#timer = setTimeout(() => {
            this.#timer = undefined;
            this.#pump();
          }, Math.ceil(left));
        }
        return;
      }
    }
    if (this.#timer !== undefined) {
      clearTimeout(this.#timer);
      this.#timer = undefined;
    }
    const take = enabled ? maxRows : 1;
    const batch: Job<T, R>[] = [];
    for (let i = 0; i < this.#queue.length && batch.length < take; ) {
      if (this.#queue[i]!.group === head.group) batch.push(...this.#queue.splice(i, 1));
      else i++;
    }
    this.#busy = true;
    const started = performance.now();
    const finish = (outcomes: RowOutcome<R>[]) => {
      batch.forEach((job, i) => job.resolve({ outcome: outcomes[i] ?? { ok: false, error: new Error('no outcome for row') }, queueMs: started - job.enqueuedAt, batchRows: batch.length }));
      this.#busy = false;
      this.#schedule();
    };
    this.run(batch.map((j) => j.row)).then(finish, (error: unknown) => finish(batch.map(() => ({ ok: false, error }))));
  }
}
