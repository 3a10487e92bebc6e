import type { EpisodeJob } from '../protocol/episode-job.ts';
import type { EpisodeAttemptFailure, EpisodeRecord } from '../results/episode-record.ts';
import type { EndpointPool } from './endpoint-pool.ts';
import type { SlotOutcome } from './episode-slot.ts';

/** Runs per episode at most when its LIBERO server or the connection fails (`--attempts`). */
export const DEFAULT_ATTEMPTS = 3;

/** Runs `job` once on one runner (a worker thread, a slot), on `endpoint` when the run has a pool. Rejects only on a fatal error. */
export type AttemptRunner = (job: EpisodeJob, endpoint: string | undefined) => Promise<SlotOutcome>;

/** How episodes are retried and where they run. */
export interface ScheduleOptions {
  /** Runs per episode at most (>= 1); default DEFAULT_ATTEMPTS. */
  readonly attempts?: number;
  /** TCP runs: the LIBERO servers' health, already started; each attempt runs on an endpoint it gives. */
  readonly endpoints?: EndpointPool;
  readonly log?: (line: string) => void;
}

/** The first line of an error text (a server's stderr tail may follow), at most 300 characters. */
const firstLine = (text: string) => {
  const line = text.split('\n', 1)[0]!;
  return line.length > 300 ? `${line.slice(0, 300)}…` : line;
};

interface Pending {
  readonly job: EpisodeJob;
  readonly attempt: number;
  readonly failures: readonly EpisodeAttemptFailure[];
}

/**
 * Runs `jobs` on `runners` (each one episode at a time, pulling from one queue) and reports each
 * episode's final record. An attempt that fails for an infrastructure reason (the server died,
 * closed the connection, timed out, could not be reached) is not recorded: the episode goes back
 * to the front of the queue and runs again from its start, on a live endpoint, up to `attempts`
 * runs; its record then carries `attempts`, `endpoint` and the earlier failures (`retried`).
 * Since an episode's outcome is a function of its job alone, the record does not depend on where
 * or how often it ran. Any other error of an episode is final, as before. A fatal error (a runner
 * rejects, `onRecord` throws, no endpoint left) rejects at once; records arriving later are dropped.
 */
export function scheduleEpisodes(runners: readonly AttemptRunner[], jobs: readonly EpisodeJob[], onRecord: (record: EpisodeRecord) => void, options: ScheduleOptions = {}): Promise<void> {
  const attempts = options.attempts ?? DEFAULT_ATTEMPTS;
  if (!Number.isInteger(attempts) || attempts < 1) throw new RangeError(`options.attempts must be a positive integer, got ${attempts}`);
  if (runners.length === 0) throw new RangeError('runners must not be empty');
  const pool = options.endpoints;
  const log = options.log ?? (() => {});
  return new Promise<void>((resolve, reject) => {
    const queue: Pending[] = jobs.map((job) => ({ job, attempt: 1, failures: [] }));
    let active = 0;
    let stopped = false;
    let waiters: (() => void)[] = [];
    const wake = () => {
      const w = waiters;
      waiters = [];
      for (const f of w) f();
    };
    const stop = (error: unknown) => {
      if (stopped) return;
      stopped = true;
      wake();
      reject(error as Error);
    };
    const finish = (item: Pending, outcome: SlotOutcome, endpoint: string | undefined) => {
      const record: EpisodeRecord = {
        ...outcome.record,
        attempts: item.attempt,
        ...(endpoint === undefined ? {} : { endpoint }),
        ...(item.failures.length === 0 ? {} : { retried: item.failures }),
      };
      onRecord(record);
    };
    const loop = async (runner: AttemptRunner) => {
      let last: string | undefined;
      while (!stopped) {
        const item = queue.shift();
        if (item === undefined) {
          if (active === 0) return;
          await new Promise<void>((r) => waiters.push(r));
          continue;
        }
        active++;
        let endpoint: string | undefined;
        try {
          endpoint = pool === undefined ? undefined : await pool.acquire(last);
        } catch (error) {
          active--;
          queue.unshift(item);
          stop(error);
          return;
        }
        last = endpoint;
        try {
          const outcome = await runner(item.job, endpoint);
          if (stopped) return;
          if (!outcome.infrastructure) {
            finish(item, outcome, endpoint);
            continue;
          }
          const r = outcome.record;
          const failure: EpisodeAttemptFailure = {
            ...(endpoint === undefined ? {} : { endpoint }),
            error: r.error ?? 'unknown',
            ...(r.error_code === undefined ? {} : { error_code: r.error_code }),
            episode_ms: r.episode_ms,
          };
          if (endpoint !== undefined) pool?.reportFailure(endpoint, `${failure.error_code ?? 'error'}: ${failure.error}`);
          const what = `${item.job.mode} task ${item.job.taskId} trial ${item.job.trial}`;
          if (item.attempt >= attempts) {
            log(`${what}: attempt ${item.attempt} of ${attempts} failed${endpoint === undefined ? '' : ` on ${endpoint}`} (${failure.error_code ?? 'error'}); no attempts left: recorded as an error`);
            finish(item, outcome, endpoint);
            continue;
          }
          log(`${what}: attempt ${item.attempt} of ${attempts} failed${endpoint === undefined ? '' : ` on ${endpoint}`} (${failure.error_code ?? 'error'}: ${firstLine(failure.error)}); running it again from its start`);
          queue.unshift({ job: item.job, attempt: item.attempt + 1, failures: [...item.failures, failure] });
        } catch (error) {
          stop(error);
          return;
        } finally {
          if (endpoint !== undefined) pool?.release(endpoint);
          active--;
          wake();
        }
      }
    };
    Promise.all(runners.map((runner) => loop(runner))).then(() => {
      if (!stopped) resolve();
    }, stop);
  });
}
