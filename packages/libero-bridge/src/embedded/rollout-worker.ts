import { parentPort, workerData } from 'node:worker_threads';
import { runRollouts, type RolloutJob, type RolloutOptions } from './rollout.ts';

/** Entry of a worker thread: runs `workerData.jobs` with its own WebAssembly instance and posts the results. */
const { jobs, options } = workerData as { jobs: RolloutJob[]; options: RolloutOptions };
runRollouts(jobs, options).then(
  (results) => parentPort?.postMessage({ ok: true, results }),
  (error: unknown) => parentPort?.postMessage({ ok: false, error: error instanceof Error ? `${error.name}: ${error.message}` : String(error) }),
);
