import type * as TfModule from '@tensorflow/tfjs';
import { Worker } from 'node:worker_threads';
import { EvalError } from '@rsd/eval-cli';
import type { FromGradientWorker, GradientWorkerInit, ToGradientWorker } from './gradient-worker.ts';
import type { TeacherBatch } from './teacher/teacher-model.ts';

function spawn(init: GradientWorkerInit): Worker {
  const self = import.meta.url;
  if (!self.endsWith('.ts')) return new Worker(new URL('./gradient-worker.js', self), { workerData: init });
  const entry = new URL('./gradient-worker.ts', self).href;
  const tsxApi = import.meta.resolve('tsx/esm/api');
  const code = `import(${JSON.stringify(tsxApi)}).then((m) => { m.register(); return import(${JSON.stringify(entry)}); });`;
  return new Worker(code, { eval: true, workerData: init, execArgv: ['--conditions=@rsd/source'] });
}

/**
 * A second thread computing gradients on its share of each minibatch (data-parallel training
 * on two cores: TF.js wasm uses one core per thread). The caller sends the current weights with
 * the rows; the worker answers with its mean loss and gradients, in the caller's variable order.
 */
export class GradientWorkerClient {
  private pending: { resolve: (m: FromGradientWorker) => void; reject: (e: Error) => void } | undefined;
  private failure: Error | undefined;

  private constructor(private readonly worker: Worker) {
    worker.on('message', (m: FromGradientWorker) => {
      const p = this.pending;
      this.pending = undefined;
      if (m.type === 'fatal') {
        this.failure = new EvalError('WORKER_FAILED', `gradient worker: ${m.message}`, { subject: 'gradient-worker' });
        p?.reject(this.failure);
      } else p?.resolve(m);
    });
    worker.on('error', (e) => {
      this.failure = new EvalError('WORKER_FAILED', `gradient worker crashed: ${e.message}`, { subject: 'gradient-worker', cause: e });
      this.pending?.reject(this.failure);
      this.pending = undefined;
    });
    worker.on('exit', (code) => {
      if (this.pending === undefined) return;
      this.failure = new EvalError('WORKER_FAILED', `gradient worker exited with code ${code}`, { subject: 'gradient-worker' });
      this.pending.reject(this.failure);
      this.pending = undefined;
    });
  }

  private next(): Promise<FromGradientWorker> {
    if (this.failure !== undefined) return Promise.reject(this.failure);
    return new Promise((resolve, reject) => {
      this.pending = { resolve, reject };
    });
  }

  /** Starts the worker with the model's config and initial weights; resolves once it is ready. */
  static async start(init: GradientWorkerInit): Promise<GradientWorkerClient> {
    const c = new GradientWorkerClient(spawn(init));
    const m = await c.next();
    if (m.type !== 'ready') throw new EvalError('WORKER_FAILED', `gradient worker: expected ready, got ${m.type}`, { subject: 'gradient-worker' });
    return c;
  }

  /** Sends weights (in variable order) and rows; resolves with the rows' mean loss and gradients. */
  gradients(weights: Float32Array[], batch: TeacherBatch): Promise<{ loss: number; grads: Float32Array[] }> {
    const reply = this.next();
    const msg: ToGradientWorker = { type: 'step', weights, batch };
    this.worker.postMessage(msg, weights.map((w) => w.buffer as ArrayBuffer));
    return reply.then((m) => {
      if (m.type !== 'grads') throw new EvalError('WORKER_FAILED', `gradient worker: expected grads, got ${m.type}`, { subject: 'gradient-worker' });
      return m;
    });
  }

  async close(): Promise<void> {
    this.worker.postMessage({ type: 'close' } satisfies ToGradientWorker);
    await this.worker.terminate();
  }
}

/** Own copies of every variable's values (safe to transfer to a worker). */
export function readWeights(vars: readonly TfModule.Variable[]): Float32Array[] {
  return vars.map((v) => Float32Array.from(v.dataSync() as Float32Array));
}
