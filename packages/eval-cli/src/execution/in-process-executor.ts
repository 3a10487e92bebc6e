import type { EpisodeJob } from '../protocol/episode-job.ts';
import type { EpisodeRecord } from '../results/episode-record.ts';
import type { EpisodeExecutor } from './episode-executor.ts';
import type { EpisodeSlot } from './episode-slot.ts';
import { scheduleEpisodes, type ScheduleOptions } from './schedule-episodes.ts';

/** Runs episodes on the caller's thread, one slot per concurrent episode, pulling from one queue. */
export class InProcessExecutor implements EpisodeExecutor {
  readonly #slots: readonly EpisodeSlot[];

  constructor(slots: readonly EpisodeSlot[]) {
    if (slots.length === 0) throw new RangeError('slots must not be empty');
    this.#slots = slots;
  }

  get concurrency(): number {
    return this.#slots.length;
  }

  runAll(jobs: readonly EpisodeJob[], onRecord: (record: EpisodeRecord) => void, options?: ScheduleOptions): Promise<void> {
    return scheduleEpisodes(
      this.#slots.map((slot) => (job: EpisodeJob, endpoint: string | undefined) => slot.attempt(job, endpoint)),
      jobs,
      onRecord,
      options,
    );
  }

  async close(): Promise<void> {
    await Promise.allSettled(this.#slots.map((s) => s.close()));
  }
}
