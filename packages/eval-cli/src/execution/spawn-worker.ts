import { Worker } from 'node:worker_threads';

/**
 * Starts `episode-worker` in a worker thread. From the compiled package the `.js` file runs as
 * is; from sources (tsx, vitest) the thread first registers tsx's loader and resolves workspace
 * packages with the `@rsd/source` condition.
 */
export function spawnEpisodeWorker(): Worker {
  const self = import.meta.url;
  if (!self.endsWith('.ts')) return new Worker(new URL('./episode-worker.js', self));
  const entry = new URL('./episode-worker.ts', self).href;
  const tsxApi = import.meta.resolve('tsx/esm/api');
  const code = `import(${JSON.stringify(tsxApi)}).then((m) => { m.register(); return import(${JSON.stringify(entry)}); });`;
  return new Worker(code, { eval: true, execArgv: ['--conditions=@rsd/source'] });
}
