import { createRequire } from 'node:module';
import { pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';
import { BridgeError } from '../errors/bridge-error.ts';

/**
 * Starts a worker thread on a sibling module of `base` (an `import.meta.url`): the compiled
 * `<stem>.js` when running from `dist`, or `<stem>.ts` through tsx's loader when running from
 * source (development, tests, nx targets).
 */
export function spawnModuleWorker(base: string, stem: string, workerData: unknown): Worker {
  if (base.endsWith('.ts')) {
    const entry = new URL(`./${stem}.ts`, base).href;
    const api =
      typeof import.meta.resolve === 'function'
        ? import.meta.resolve('tsx/esm/api')
        : pathToFileURL(createRequire(base).resolve('tsx/esm/api')).href;
    const code = `import(${JSON.stringify(api)}).then(({ tsImport }) => tsImport(${JSON.stringify(entry)}, ${JSON.stringify(entry)}));`;
    return new Worker(code, { eval: true, workerData });
  }
  return new Worker(new URL(`./${stem}.js`, base), { workerData });
}

/**
 * Runs a worker that answers with one message `{ ok: true, value }` or `{ ok: false, error }`,
 * and resolves with `value`. A crash or an exit without an answer is a SIMULATION_FAILED error.
 */
export function runModuleWorker<T>(base: string, stem: string, workerData: unknown): Promise<T> {
  return new Promise((resolve, reject) => {
    const worker = spawnModuleWorker(base, stem, workerData);
    let settled = false;
    worker.once('message', (msg: { ok: boolean; value?: T; error?: string }) => {
      settled = true;
      void worker.terminate();
      if (msg.ok) resolve(msg.value as T);
      else reject(new BridgeError('SIMULATION_FAILED', `${stem} worker failed: ${msg.error ?? 'no result'}`, { subject: stem }));
    });
    worker.once('error', (error) => {
      if (!settled) reject(new BridgeError('SIMULATION_FAILED', `${stem} worker crashed: ${error.message}`, { cause: error, subject: stem }));
      settled = true;
    });
    worker.once('exit', (code) => {
      if (!settled) reject(new BridgeError('SIMULATION_FAILED', `${stem} worker exited with code ${code} before answering`, { subject: stem }));
      settled = true;
    });
  });
}

/** Posts a worker's outcome in the shape `runModuleWorker` expects. */
export function answerParent(post: (msg: unknown) => void, work: Promise<unknown>): void {
  work.then(
    (value) => post({ ok: true, value }),
    (error: unknown) => post({ ok: false, error: error instanceof Error ? `${error.name}: ${error.message}` : String(error) }),
  );
}
