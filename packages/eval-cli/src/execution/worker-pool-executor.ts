import type { Worker } from 'node:worker_threads';
import { EvalError, type EvalErrorCode } from '../errors/eval-error.ts';
import type { EpisodeJob } from '../protocol/episode-job.ts';
import type { EpisodeRecord } from '../results/episode-record.ts';
import { errorRecord } from '../results/error-record.ts';
import type { EpisodeExecutor } from './episode-executor.ts';
import type { SlotOutcome } from './episode-slot.ts';
import { scheduleEpisodes, type AttemptRunner, type ScheduleOptions } from './schedule-episodes.ts';
import { spawnEpisodeWorker } from './spawn-worker.ts';
import type { FromWorker, ToWorker, WorkerInit } from './worker-messages.ts';

/** One worker thread and the attempt it is running. */
interface WorkerHandle {
  readonly worker: Worker;
  records: number;
  pending: { readonly job: EpisodeJob; readonly resolve: (o: SlotOutcome) => void; readonly reject: (e: Error) => void } | undefined;
  /** A fatal error the thread reported while idle: the next attempt rejects with it. */
  fatal: Error | undefined;
}

const FATAL_CODES: readonly EvalErrorCode[] = ['INVALID_FLAG', 'MISSING_BUNDLE', 'MODEL_LOAD_FAILED', 'SETUP_FAILED'];
const fatalCode = (code: string | undefined): EvalErrorCode => FATAL_CODES.find((c) => c === code) ?? 'WORKER_FAILED';

/**
 * Runs episodes in `count` worker threads, each with its own environment and engine. Jobs go
 * to whichever worker is free, so the order of records varies but each record depends only on
 * its job. A worker that dies mid-episode turns that episode into an `error` record and is
 * replaced; a worker reporting a fatal setup error stops the run. Attempts lost to a LIBERO
 * server run again (`scheduleEpisodes`).
 */
export class WorkerPoolExecutor implements EpisodeExecutor {
  readonly concurrency: number;
  readonly #initFor: (worker: number) => WorkerInit;
  readonly #log: (line: string) => void;
  readonly #live = new Set<Worker>();
  readonly #handles: (WorkerHandle | undefined)[] = [];

  constructor(count: number, initFor: (worker: number) => WorkerInit, log: (line: string) => void = () => {}) {
    if (!Number.isInteger(count) || count < 1) throw new RangeError(`count must be a positive integer, got ${count}`);
    this.concurrency = count;
    this.#initFor = initFor;
    this.#log = log;
  }

  runAll(jobs: readonly EpisodeJob[], onRecord: (record: EpisodeRecord) => void, options?: ScheduleOptions): Promise<void> {
    const runners: AttemptRunner[] = Array.from({ length: Math.max(1, Math.min(this.concurrency, jobs.length)) }, (_, index) => (job, endpoint) => this.#attempt(index, job, endpoint));
    return scheduleEpisodes(runners, jobs, onRecord, options);
  }

  #attempt(index: number, job: EpisodeJob, endpoint: string | undefined): Promise<SlotOutcome> {
    const h = (this.#handles[index] ??= this.#start(index));
    return new Promise<SlotOutcome>((resolve, reject) => {
      if (h.fatal !== undefined) {
        reject(h.fatal);
        return;
      }
      h.pending = { job, resolve, reject };
      h.worker.postMessage({ type: 'job', job, ...(endpoint === undefined ? {} : { endpoint }) } satisfies ToWorker);
    });
  }

  #start(index: number): WorkerHandle {
    const worker = spawnEpisodeWorker();
    this.#live.add(worker);
    const h: WorkerHandle = { worker, records: 0, pending: undefined, fatal: undefined };
    const fail = (error: Error) => {
      const p = h.pending;
      h.pending = undefined;
      if (p === undefined) h.fatal ??= error;
      else p.reject(error);
    };
    const onDeath = (reason: string) => {
      this.#live.delete(worker);
      if (this.#handles[index] === h) this.#handles[index] = undefined;
      const p = h.pending;
      h.pending = undefined;
      if (p === undefined) return;
      // a thread that dies before finishing one episode would die again: stop the run
      if (h.records === 0) p.reject(new EvalError('WORKER_FAILED', `${reason} before finishing any episode`, { subject: `worker ${index}` }));
      else p.resolve({ record: errorRecord(p.job, '', reason, 'WORKER_FAILED'), infrastructure: false });
    };
    worker.on('message', (m: FromWorker) => {
      if (m.type === 'record') {
        h.records++;
        const p = h.pending;
        h.pending = undefined;
        p?.resolve({ record: m.record, infrastructure: m.infrastructure });
      } else if (m.type === 'log') {
        this.#log(m.line);
      } else if (m.type === 'fatal') {
        const code = fatalCode(m.code);
        fail(new EvalError(code, code === 'SETUP_FAILED' ? m.message : `worker ${index}: ${m.message}`, { subject: `worker ${index}` }));
      }
    });
    worker.on('error', (error) => onDeath(`worker thread ${index} crashed: ${error.message}`));
    worker.on('exit', (code) => {
      if (this.#live.has(worker)) onDeath(`worker thread ${index} exited with code ${code}`);
    });
    worker.postMessage({ type: 'init', init: this.#initFor(index) } satisfies ToWorker);
    return h;
  }

  async close(): Promise<void> {
    const workers = [...this.#live];
    this.#live.clear();
    this.#handles.length = 0;
    await Promise.all(
      workers.map(
        (w) =>
          new Promise<void>((resolve) => {
            const timer = setTimeout(() => void w.terminate().then(() => resolve()), 10_000);
            w.on('message', (m: FromWorker) => {
              if (m.type === 'closed') {
                clearTimeout(timer);
                void w.terminate().then(() => resolve());
              }
            });
            w.once('exit', () => {
              clearTimeout(timer);
              resolve();
            });
            w.postMessage({ type: 'close' } satisfies ToWorker);
          }),
      ),
    );
  }
}
