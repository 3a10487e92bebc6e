import { createRequire } from 'node:module';
import { pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';
import { BridgeError } from '../errors/bridge-error.ts';
import type { RolloutJob, RolloutOptions, RolloutResult } from './rollout.ts';

/**
 * A worker thread for `rollout-worker`: the compiled `.js` when running from `dist`, or the `.ts`
 * source through tsx's loader when running from source (development, tests, nx targets).
 */
function spawnRolloutWorker(workerData: unknown): Worker {
  const self = import.meta.url;
  if (self.endsWith('.ts')) {
    const entry = new URL('./rollout-worker.ts', self).href;
    const api =
      typeof import.meta.resolve === 'function'
        ? import.meta.resolve('tsx/esm/api')
        : pathToFileURL(createRequire(self).resolve('tsx/esm/api')).href;
    const code = `import(${JSON.stringify(api)}).then(({ tsImport }) => tsImport(${JSON.stringify(entry)}, ${JSON.stringify(entry)}));`;
    return new Worker(code, { eval: true, workerData });
  }
  return new Worker(new URL('./rollout-worker.js', self), { workerData });
}

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
  return new Promise((resolve, reject) => {
    const worker = spawnRolloutWorker({ jobs, options, warmup });
    let settled = false;
    worker.once('message', (msg: { ok: boolean; results?: RolloutResult[]; seconds?: number; error?: string }) => {
      settled = true;
      void worker.terminate();
      if (msg.ok && msg.results) resolve({ results: msg.results, seconds: msg.seconds ?? Number.NaN });
      else reject(new BridgeError('SIMULATION_FAILED', `rollout worker failed: ${msg.error ?? 'no result'}`, { subject: 'worker' }));
    });
    worker.once('error', (error) => {
      if (!settled) reject(new BridgeError('SIMULATION_FAILED', `rollout worker crashed: ${error.message}`, { cause: error, subject: 'worker' }));
      settled = true;
    });
    worker.once('exit', (code) => {
      if (!settled) reject(new BridgeError('SIMULATION_FAILED', `rollout worker exited with code ${code} before answering`, { subject: 'worker' }));
      settled = true;
    });
  });
}
