import type { EvalMode } from '../config/eval-config.ts';
import { episodeSeed } from './episode-seed.ts';

/** One episode to run. Its outcome depends only on (mode, taskId, trial, seed). */
export interface EpisodeJob {
  readonly mode: EvalMode;
  readonly taskId: number;
  /** The initial-state index (LIBERO's fixed init state `i` = trial index). */
  readonly trial: number;
  readonly seed: number;
  /** Record a GIF of this episode. */
  readonly video: boolean;
}

/** Key of an episode in the log: `mode/task/trial`. */
export function episodeKey(e: { readonly mode: string; readonly taskId?: number; readonly task_id?: number; readonly trial: number }): string {
  return `${e.mode}/${e.taskId ?? e.task_id}/${e.trial}`;
}

/**
 * Every episode of a run, ordered task → trial → mode so that an interrupted run has compared
 * both modes on the same episodes so far.
 */
export function planEpisodes(opts: {
  readonly modes: readonly EvalMode[];
  readonly tasks: readonly number[];
  readonly trials: number;
  readonly seed: number;
  readonly video: number;
}): EpisodeJob[] {
  const jobs: EpisodeJob[] = [];
  for (const taskId of opts.tasks) {
    for (let trial = 0; trial < opts.trials; trial++) {
      const seed = episodeSeed(opts.seed, taskId, trial);
      for (const mode of opts.modes) jobs.push({ mode, taskId, trial, seed, video: trial < opts.video });
    }
  }
  return jobs;
}
