import { EMBEDDED_SPATIAL, NUM_INIT_STATES } from '../embedded/embedded-spatial-suite.ts';
import { mixSeed } from '../embedded/prng.ts';
import type { RolloutJob, RolloutResult } from '../embedded/rollout.ts';
import { runRolloutsInWorker } from '../embedded/run-rollouts-in-worker.ts';

export interface ExpertEvalOptions {
  /** Initial states per task, from index 0. Default 50 (all: 500 pairs). */
  readonly trials?: number;
  /** Worker threads. Default 1. */
  readonly workers?: number;
  /** Seed of the expert's randomisation. Default 0. */
  readonly seed?: number;
}

export interface ExpertEvalResult {
  readonly suite: string;
  readonly episodes: number;
  readonly successes: number;
  readonly successRate: number;
  readonly meanSteps: number;
  readonly perTask: readonly { taskId: number; successes: number; episodes: number }[];
  readonly failures: readonly string[];
  readonly wallSeconds: number;
}

export interface ExpertEvalDeps {
  readonly runJobs?: (jobs: readonly RolloutJob[]) => Promise<RolloutResult[]>;
  readonly now?: () => number;
}

/** Runs the scripted expert on every (task, fixed initial state) pair, physics only, in worker threads. */
export async function runExpertEval(options: ExpertEvalOptions, deps: ExpertEvalDeps = {}): Promise<ExpertEvalResult> {
  const trials = options.trials ?? NUM_INIT_STATES;
  const workers = options.workers ?? 1;
  if (!Number.isInteger(trials) || trials < 1 || trials > NUM_INIT_STATES) throw new RangeError(`trials must be in [1, ${NUM_INIT_STATES}], got ${trials}`);
  if (!Number.isInteger(workers) || workers < 1 || workers > 16) throw new RangeError(`workers must be in [1, 16], got ${workers}`);
  const seed = options.seed ?? 0;
  const jobs: RolloutJob[] = [];
  for (const task of EMBEDDED_SPATIAL.tasks) {
    for (let i = 0; i < trials; i++) jobs.push({ taskId: task.id, initState: i, expertSeed: mixSeed(seed, task.id, i) });
  }
  const run = deps.runJobs ?? ((j: readonly RolloutJob[]) => runRolloutsInWorker(j));
  const now = deps.now ?? (() => performance.now());
  const t0 = now();
  const shards = Array.from({ length: workers }, (_, w) => jobs.filter((_, i) => i % workers === w));
  const results = (await Promise.all(shards.map((s) => run(s)))).flat();
  const wallSeconds = (now() - t0) / 1000;
  const perTask = EMBEDDED_SPATIAL.tasks.map((t) => {
    const mine = results.filter((r) => r.taskId === t.id);
    return { taskId: t.id, successes: mine.filter((r) => r.success).length, episodes: mine.length };
  });
  const successes = results.filter((r) => r.success).length;
  return {
    suite: EMBEDDED_SPATIAL.name,
    episodes: results.length,
    successes,
    successRate: successes / results.length,
    meanSteps: results.reduce((s, r) => s + r.steps, 0) / results.length,
    perTask,
    failures: results.filter((r) => !r.success).map((r) => `task ${r.taskId} ${r.origin}`),
    wallSeconds,
  };
}
