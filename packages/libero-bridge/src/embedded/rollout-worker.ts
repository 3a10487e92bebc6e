import { parentPort, workerData } from 'node:worker_threads';
import { runRollouts, type RolloutJob, type RolloutOptions } from './rollout.ts';
import { answerParent } from './spawn-module-worker.ts';

/**
 * Entry of a worker thread: runs `workerData.warmup` episodes untimed (WebAssembly tier-up),
 * then `workerData.jobs`, with its own WebAssembly instance, and answers with the results and
 * the seconds the timed part took.
 */
const { jobs, options, warmup } = workerData as { jobs: RolloutJob[]; options: RolloutOptions; warmup?: RolloutJob[] };
answerParent(
  (msg) => parentPort?.postMessage(msg),
  (async () => {
    if (warmup?.length) await runRollouts(warmup);
    const t0 = performance.now();
    const results = await runRollouts(jobs, options);
    return { results, seconds: (performance.now() - t0) / 1000 };
  })(),
);
