import type { Worker } from 'node:worker_threads';
import { EvalError } from '../errors/eval-error.ts';
import type { EpisodeJob } from '../protocol/episode-job.ts';
import type { EpisodeRecord } from '../results/episode-record.ts';
import { errorRecord } from '../results/error-record.ts';
import type { EpisodeExecutor } from './episode-executor.ts';
import { spawnEpisodeWorker } from './spawn-worker.ts';
import type { FromWorker, ToWorker, WorkerInit } from './worker-messages.ts';

/**
 * Runs episodes in `count` worker threads, each with its own environment and engine. Jobs go
 * to whichever worker is free, so the order of records varies but each record depends only on
 * its job. A worker that dies mid-episode turns that episode into an `error` record and is
 * replaced; a worker reporting a fatal setup error stops the run.
 */
export class WorkerPoolExecutor implements EpisodeExecutor {
  readonly concurrency: number;
  readonly #initFor: (worker: number) => WorkerInit;
  readonly #log: (line: string) => void;
  readonly #live = new Set<Worker>();

  constructor(count: number, initFor: (worker: number) => WorkerInit, log: (line: string) => void = () => {}) {
    if (!Number.isInteger(count) || count < 1) throw new RangeError(`count must be a positive integer, got ${count}`);
    this.concurrency = count;
    this.#initFor = initFor;
    this.#log = log;
  }

  runAll(jobs: readonly EpisodeJob[], onRecord: (record: EpisodeRecord) => void): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      let next = 0;
      let finished = 0;
      let failed = false;
      const fail = (error: Error) => {
        if (failed) return;
        failed = true;
        reject(error);
      };
      const start = (index: number) => {
        const worker = spawnEpisodeWorker();
        this.#live.add(worker);
        let current: EpisodeJob | undefined;
        let records = 0;
        const send = (m: ToWorker) => worker.postMessage(m);
        const feed = () => {
          if (failed) return;
          if (next >= jobs.length) {
            current = undefined;
            if (finished === jobs.length) resolve();
            return;
          }
          current = jobs[next++]!;
          send({ type: 'job', job: current });
        };
        const onDeath = (reason: string) => {
          this.#live.delete(worker);
          if (failed) return;
          if (records === 0) {
            // a thread that dies before finishing one episode would die again: stop the run
            fail(new EvalError('WORKER_FAILED', `${reason} before finishing any episode`, { subject: `worker ${index}` }));
            return;
          }
          if (current !== undefined) {
            const job = current;
            current = undefined;
            finished++;
            onRecord(errorRecord(job, '', reason, 'WORKER_FAILED'));
          }
          if (next < jobs.length) start(index);
          else if (finished === jobs.length) resolve();
        };
        worker.on('message', (m: FromWorker) => {
          if (m.type === 'record') {
            finished++;
            records++;
            try {
              onRecord(m.record);
            } catch (error) {
              fail(error as Error);
              return;
            }
            feed();
          } else if (m.type === 'log') {
            this.#log(m.line);
          } else if (m.type === 'fatal') {
            const code = m.code === 'INVALID_FLAG' || m.code === 'MISSING_BUNDLE' || m.code === 'MODEL_LOAD_FAILED' || m.code === 'SETUP_FAILED' ? m.code : 'WORKER_FAILED';
            fail(new EvalError(code, code === 'SETUP_FAILED' ? m.message : `worker ${index}: ${m.message}`, { subject: `worker ${index}` }));
          }
        });
        worker.on('error', (error) => onDeath(`worker thread ${index} crashed: ${error.message}`));
        worker.on('exit', (code) => {
          if (this.#live.has(worker)) onDeath(`worker thread ${index} exited with code ${code}`);
        });
        send({ type: 'init', init: this.#initFor(index) });
        feed();
      };
      if (jobs.length === 0) {
        resolve();
        return;
      }
      for (let i = 0; i < Math.min(this.concurrency, jobs.length); i++) start(i);
    });
  }

  async close(): Promise<void> {
    const workers = [...this.#live];
    this.#live.clear();
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
