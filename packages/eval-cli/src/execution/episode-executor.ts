import type { EpisodeJob } from '../protocol/episode-job.ts';
import type { EpisodeRecord } from '../results/episode-record.ts';
import type { ScheduleOptions } from './schedule-episodes.ts';

/**
 * Runs episodes somewhere (worker threads, or the caller's thread) and reports each record as
 * soon as it exists. `runAll` rejects only on a fatal error; an episode's own failure is a record.
 * An attempt lost to an infrastructure fault runs again (`options.attempts`, on a live endpoint of
 * `options.endpoints`), see `scheduleEpisodes`.
 */
export interface EpisodeExecutor {
  /** How many episodes run at once. */
  readonly concurrency: number;
  runAll(jobs: readonly EpisodeJob[], onRecord: (record: EpisodeRecord) => void, options?: ScheduleOptions): Promise<void>;
  /** Frees every environment and engine. Idempotent. */
  close(): Promise<void>;
}
