import type * as TfModule from '@tensorflow/tfjs';
import { restoreAdamState, saveAdamState, SeededPrng } from '@rsd/rfsq';
import type { ProgressStream } from '@rsd/eval-cli';
import { GradientWorkerClient, readWeights } from '../gradient-worker-client.ts';
import { randomShift } from '../random-shift.ts';
import { StageProgress } from '../stage-progress.ts';
import { PROPRIO_SIZE } from '../train-default-config.ts';
import type { TeacherCheckpoint, TeacherEpochMetrics } from './teacher-checkpoint.ts';
import { zScore, type TeacherDataset, type TeacherNormalization } from './teacher-dataset.ts';
import { initTeacherWeights, sliceTeacherBatch, teacherLoss, teacherParameterShapes, type TeacherBatch, type TeacherModelConfig, type TeacherWeights } from './teacher-model.ts';

type Tf = typeof TfModule;

export interface TrainTeacherOptions {
  readonly model: TeacherModelConfig;
  readonly normalization: TeacherNormalization;
  readonly epochs: number;
  readonly batchSize: number;
  readonly learningRate: number;
  /** Linear warm-up steps, then cosine decay to 0 at the last step. */
  readonly warmupSteps: number;
  /** Random shift of the agent view, ± pixels (edge-padded crop). */
  readonly shift: number;
  readonly seed: number;
  /** Rows of `data` to train on. */
  readonly rows: readonly number[];
  /** Initial weights (fine-tuning); default: seeded from `seed`. */
  readonly init?: TeacherWeights;
  readonly resumeFrom?: Omit<TeacherCheckpoint, 'key'>;
  /** Called after every epoch with the state to continue from; a throw stops training (a kill, in tests). */
  readonly checkpoint?: (state: Omit<TeacherCheckpoint, 'key'>) => Promise<void>;
  /** 2: a worker thread takes half of every minibatch (data-parallel on two cores). */
  readonly workers: 1 | 2;
  readonly progress?: ProgressStream;
  readonly stageName?: string;
}

function gather<T extends Uint8Array | Int32Array | Float32Array>(src: T, width: number, rows: readonly number[], make: (n: number) => T): T {
  const out = make(rows.length * width);
  rows.forEach((r, i) => out.set(src.subarray(r * width, (r + 1) * width), i * width));
  return out;
}

/**
 * Trains the teacher (trunk + continuous head) with L1 on the z-scored chunk, ±shift random
 * shift, Adam with warm-up and cosine decay. Minibatch order and shifts come from `seed` only; a
 * run resumed from a checkpoint continues bit-identically. Returns the final weights and history.
 */
export async function trainTeacher(
  tf: Tf,
  data: TeacherDataset,
  o: TrainTeacherOptions,
  log: (line: string) => void,
): Promise<{ weights: TeacherWeights; history: readonly TeacherEpochMetrics[]; samplesPerSecond: number }> {
  const S = data.imageSize;
  const frame = S * S * 3;
  const CA = data.chunk * data.actionDim;
  const n = o.normalization;
  const proprioZ = zScore(data.proprio, n.proprioMean, n.proprioStd);
  const targetsZ = zScore(data.chunks, n.actionMean, n.actionStd);
  const shapes = teacherParameterShapes(o.model);
  const start = o.resumeFrom;
  const init = start?.weights ?? o.init ?? initTeacherWeights(o.model, o.seed);
  const vars: Record<string, TfModule.Variable> = Object.fromEntries(shapes.map(([name, s]) => [name, tf.variable(tf.tensor(init[name]!, s), true, `teacher.${name}`)]));
  const ordered = shapes.map(([name]) => vars[name]!);
  const opt = tf.train.adam(o.learningRate);
  if (start !== undefined) await restoreAdamState(tf, opt, start.adam);
  const rng = start === undefined ? new SeededPrng(o.seed + 23) : SeededPrng.fromState(start.rng);
  const batchOf = (rows: readonly number[]): TeacherBatch => {
    const img = gather(data.images, frame, rows, (k) => new Uint8Array(k));
    return {
      n: rows.length,
      images: o.shift > 0 ? randomShift(img, rows.length, S, o.shift, rng) : img,
      instructions: gather(data.instructions, data.maxTokens, rows, (k) => new Int32Array(k)),
      proprio: gather(proprioZ, PROPRIO_SIZE, rows, (k) => new Float32Array(k)),
      targets: gather(targetsZ, CA, rows, (k) => new Float32Array(k)),
    };
  };
  const readAll = (): TeacherWeights => Object.fromEntries(shapes.map(([name]) => [name, Float32Array.from(vars[name]!.dataSync() as Float32Array)]));
  const stepsPerEpoch = Math.ceil(o.rows.length / o.batchSize);
  const totalSteps = o.epochs * stepsPerEpoch;
  let step = start?.step ?? 0;
  let trained = start?.trained ?? 0;
  let trainSeconds = start?.trainSeconds ?? 0;
  const history: TeacherEpochMetrics[] = [...(start?.history ?? [])];
  const firstEpoch = (start?.epoch ?? 0) + 1;
  const progress = new StageProgress(o.progress ?? { write: (t) => log(t.replace(/\n$/, '')) }, {
    stage: o.stageName ?? 'teacher',
    unitName: 'epoch',
    total: o.epochs,
    done: firstEpoch - 1,
  });
  const lrAt = (s: number) =>
    s < o.warmupSteps ? (o.learningRate * (s + 1)) / o.warmupSteps : o.learningRate * 0.5 * (1 + Math.cos((Math.PI * (s - o.warmupSteps)) / Math.max(1, totalSteps - o.warmupSteps)));
  const setLr = (lr: number) => {
    (opt as unknown as { learningRate: number }).learningRate = lr;
  };
  const worker = o.workers === 2 ? await GradientWorkerClient.start({ model: o.model, shapes, init: readAll() }) : undefined;
  const oneStep = async (b: TeacherBatch): Promise<number> => {
    const h = Math.ceil(b.n / 2);
    if (worker === undefined || h === b.n) {
      const cost = opt.minimize(() => teacherLoss(tf, o.model, vars, b), true, ordered)!;
      const l = (await cost.data())[0]!;
      cost.dispose();
      return l;
    }
    const remote = worker.gradients(readWeights(ordered), sliceTeacherBatch(b, h, b.n));
    const local = tf.variableGrads(() => teacherLoss(tf, o.model, vars, sliceTeacherBatch(b, 0, h)), ordered);
    const r = await remote;
    const a = h / b.n;
    const averaged = ordered.map((v, i) => ({
      name: v.name,
      tensor: tf.tidy(() => tf.add(tf.mul(local.grads[v.name]!, a), tf.mul(tf.tensor(r.grads[i]!, v.shape), 1 - a))),
    }));
    opt.applyGradients(averaged);
    const l = local.value.dataSync()[0]! * a + r.loss * (1 - a);
    tf.dispose([local.value, ...Object.values(local.grads), ...averaged.map((g) => g.tensor)]);
    return l;
  };
  try {
    for (let epoch = firstEpoch; epoch <= o.epochs; epoch++) {
      const t0 = performance.now();
      const order = [...o.rows];
      rng.shuffle(order);
      let sum = 0;
      let done = 0;
      for (let bi = 0; bi < stepsPerEpoch; bi++) {
        const rows = order.slice(bi * o.batchSize, (bi + 1) * o.batchSize);
        setLr(lrAt(step));
        step++;
        sum += (await oneStep(batchOf(rows))) * rows.length;
        done += rows.length;
        trained += rows.length;
        progress.tick(bi + 1, stepsPerEpoch, done);
      }
      const seconds = (performance.now() - t0) / 1000;
      trainSeconds += seconds;
      const m: TeacherEpochMetrics = { epoch, trainL1: sum / done, seconds: +seconds.toFixed(1), samplesPerSecond: +(done / seconds).toFixed(1) };
      history.push(m);
      progress.unit(done, `L1 ${m.trainL1.toFixed(4)} (${m.samplesPerSecond} samples/s, tensors ${tf.memory().numTensors})`);
      await o.checkpoint?.({ epoch, step, rng: rng.snapshot(), weights: readAll(), adam: await saveAdamState(opt), history: [...history], trained, trainSeconds });
    }
    return { weights: readAll(), history, samplesPerSecond: trained / Math.max(1e-9, trainSeconds) };
  } finally {
    await worker?.close();
    opt.dispose();
    tf.dispose(Object.values(vars));
  }
}
