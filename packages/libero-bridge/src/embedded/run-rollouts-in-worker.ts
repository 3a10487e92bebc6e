import type { RolloutJob, RolloutOptions, RolloutResult } from './rollout.ts';
import { runModuleWorker } from './spawn-module-worker.ts';

/** Runs rollouts in a fresh worker thread (its own MuJoCo instance) and resolves with their results. */
export async function runRolloutsInWorker(jobs: readonly RolloutJob[], options: RolloutOptions = {}): Promise<RolloutResult[]> {
  return (await runTimedRolloutsInWorker(jobs, options)).results;
}

/**
 * Like `runRolloutsInWorker`, after `warmup` untimed episodes in the same worker; `seconds` is
 * the wall time of `jobs` alone, measured inside the worker (no thread start-up, no tier-up).
 */
export function runTimedRolloutsInWorker(
  jobs: readonly RolloutJob[],
  options: RolloutOptions = {},
  warmup: readonly RolloutJob[] = [],
): Promise<{ results: RolloutResult[]; seconds: number }> {
  return runModuleWorker(import.meta.url, 'rollout-worker', { jobs, options, warmup });
}
