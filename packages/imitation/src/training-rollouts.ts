import { EMBEDDED_SPATIAL_NAME, EMBEDDED_SPATIAL_TASKS, type LiberoEnv } from '@rsd/libero-bridge';
import { EvalError } from '@rsd/eval-cli';
import type { Policy } from '@rsd/eval-cli';
import { episodeSeed } from '@rsd/eval-cli';
import { runEpisode } from '@rsd/eval-cli';
import { parseEnsemble } from '@rsd/eval-cli';

/** No-op steps before the policy acts, as in the evaluation protocol. */
export const ROLLOUT_WAIT_STEPS = 10;

export interface TrainingRolloutOptions {
  readonly tasks: readonly number[];
  readonly episodesPerTask: number;
  readonly seed: number;
  /** Step limit after the wait steps (the suite's 220). */
  readonly maxSteps: number;
  readonly execution: { readonly executeSteps: number; readonly ensemble: string };
}

/**
 * Runs `episodesPerTask` baseline episodes per task with the evaluation's episode loop (the
 * env decides which initial state `trial` means). An episode that errors is a POLICY_FAILED
 * error naming `what`, task and trial, never a failure counted in silence. `afterTask` gets
 * each task's successes. Returns episodes and successes over all tasks.
 */
export async function runTrainingRollouts(
  env: LiberoEnv,
  policy: Policy,
  options: TrainingRolloutOptions,
  what: string,
  afterTask: (taskId: number, successes: number) => void,
): Promise<{ episodes: number; successes: number }> {
  const protocol = {
    suite: EMBEDDED_SPATIAL_NAME,
    maxSteps: options.maxSteps,
    waitSteps: ROLLOUT_WAIT_STEPS,
    executeSteps: options.execution.executeSteps,
    ensemble: parseEnsemble(options.execution.ensemble),
  };
  let successes = 0;
  let episodes = 0;
  for (const taskId of options.tasks) {
    const task = EMBEDDED_SPATIAL_TASKS[taskId];
    if (task === undefined) throw new RangeError(`tasks: no embedded_spatial task ${taskId}`);
    let ok = 0;
    for (let trial = 0; trial < options.episodesPerTask; trial++) {
      const { record } = await runEpisode(
        env,
        policy,
        { mode: 'baseline', taskId, trial, seed: episodeSeed(options.seed, taskId, trial), video: false },
        task,
        protocol,
      );
      if (record.status !== 'ok') {
        throw new EvalError('POLICY_FAILED', `${what} task ${taskId} trial ${trial} failed: ${record.error ?? 'unknown error'}`, {
          subject: `task ${taskId} trial ${trial}`,
        });
      }
      if (record.success) ok++;
      episodes++;
    }
    successes += ok;
    afterTask(taskId, ok);
  }
  return { episodes, successes };
}
