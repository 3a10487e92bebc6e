import type { EpisodeJob } from '../protocol/episode-job.ts';
import type { EpisodeRecord } from '../results/episode-record.ts';
import type { EpisodeExecutor } from './episode-executor.ts';
import type { EpisodeSlot } from './episode-slot.ts';

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

  async runAll(jobs: readonly EpisodeJob[], onRecord: (record: EpisodeRecord) => void): Promise<void> {
    let next = 0;
    await Promise.all(
      this.#slots.map(async (slot) => {
        while (next < jobs.length) {
          const job = jobs[next++]!;
          onRecord(await slot.run(job));
        }
      }),
    );
  }

  async close(): Promise<void> {
    await Promise.allSettled(this.#slots.map((s) => s.close()));
  }
}
