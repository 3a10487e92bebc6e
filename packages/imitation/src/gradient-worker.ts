// Entry of a gradient worker thread: its own TF.js (wasm) copy of the teacher; for each step it
// takes the current weights and its share of the minibatch and answers with the loss and the
// gradients (data-parallel training, see gradient-worker-client.ts).
import type * as TfModule from '@tensorflow/tfjs';
import { parentPort, workerData } from 'node:worker_threads';
import { registerWasmTrainingKernels } from '@rsd/heads';
import { selectTfBackend } from '@rsd/rfsq';
import { teacherLoss, type TeacherBatch, type TeacherModelConfig } from './teacher/teacher-model.ts';

export interface GradientWorkerInit {
  readonly model: TeacherModelConfig;
  /** Parameter names and shapes, in the order weights and gradients travel. */
  readonly shapes: readonly (readonly [string, readonly number[]])[];
  readonly init: Readonly<Record<string, Float32Array>>;
}

export type ToGradientWorker = { type: 'step'; weights: Float32Array[]; batch: TeacherBatch } | { type: 'close' };
export type FromGradientWorker =
  | { type: 'ready'; backend: string }
  | { type: 'grads'; loss: number; grads: Float32Array[] }
  | { type: 'fatal'; message: string };

const port = parentPort;
if (port === null) throw new Error('gradient-worker.ts must run in a worker thread');
const post = (m: FromGradientWorker, transfer: ArrayBuffer[] = []) => port.postMessage(m, transfer);
const init = workerData as GradientWorkerInit;

async function start(): Promise<void> {
  const { tf, backend } = await selectTfBackend({ log: () => undefined });
  if (backend === 'wasm') registerWasmTrainingKernels(tf);
  const vars: Record<string, TfModule.Variable> = Object.fromEntries(init.shapes.map(([n, s]) => [n, tf.variable(tf.tensor(init.init[n]!, [...s]), true, `teacher.${n}`)]));
  const order = init.shapes.map(([n]) => vars[n]!);
  port!.on('message', (m: ToGradientWorker) => {
    try {
      if (m.type === 'close') {
        // the parent terminates the thread after this; free the tensors first
        tf.dispose(order);
        port!.close();
        return;
      }
      m.weights.forEach((w, i) => {
        const v = order[i]!;
        const t = tf.tensor(w, v.shape);
        v.assign(t);
        t.dispose();
      });
      const { value, grads } = tf.variableGrads(() => teacherLoss(tf, init.model, vars, m.batch), order);
      // own buffers only: a view on the wasm heap must never be transferred
      const out = order.map((v) => {
        const g = grads[v.name]!.dataSync() as Float32Array;
        return g.byteOffset === 0 && g.buffer.byteLength === g.byteLength ? g : Float32Array.from(g);
      });
      const loss = value.dataSync()[0]!;
      tf.dispose([value, ...Object.values(grads)]);
      post({ type: 'grads', loss, grads: out }, out.map((g) => g.buffer as ArrayBuffer));
    } catch (error) {
      post({ type: 'fatal', message: error instanceof Error ? `${error.name}: ${error.message}` : String(error) });
    }
  });
  post({ type: 'ready', backend });
}

start().catch((error: unknown) => post({ type: 'fatal', message: error instanceof Error ? error.message : String(error) }));
