import type * as TfModule from '@tensorflow/tfjs';
import { RfsqError } from '../errors/rfsq-error.ts';
import type { StoredTensor } from '../io/rfsq-json.ts';
import { SeededPrng } from '../util/seeded-prng.ts';
import { restoreAdamState, saveAdamState } from '../tf/adam-state.ts';
import type { RfsqTfModel } from '../tf/rfsq-tf-model.ts';
import type { ProgressSink } from './progress-reporter.ts';

type Tf = typeof TfModule;

const CALIBRATION_CHUNKS = 4096;

export interface TrainLoopOptions {
  /** Epoch to start at (0 unless resuming). */
  readonly startEpoch: number;
  /** Epoch count to reach. */
  readonly epochs: number;
  readonly batchSize: number;
  readonly learningRate: number;
  readonly seed: number;
  /** Robust only: scale = rangeFactor · running std. */
  readonly rangeFactor: number;
  /** Running statistics stop moving from epoch `ceil(freezeFraction · epochs)` on. */
  readonly freezeFraction: number;
  readonly momentum: number;
  /** Robust: set every layer's statistics from the first batch before training (a fresh model). */
  readonly calibrate: boolean;
  /** Adam's state to continue from (as passed to `onEpoch`), when resuming. */
  readonly optimizerState?: readonly StoredTensor[];
  /** Called after every epoch with Adam's state (checkpoints). */
  readonly onEpoch?: (epoch: number, loss: number, optimizerState: StoredTensor[]) => void;
}

export interface TrainLoopResult {
  /** float [epochs run]: mean training loss of each epoch (normalised-units MSE). */
  readonly epochLosses: number[];
  readonly steps: number;
  readonly samples: number;
  readonly trainMs: number;
}

/**
 * Adam on the reconstruction MSE of normalised chunks xn float32 [N, C·A]. Robust models move
 * their per-layer shift/scale towards the batch residual mean / rangeFactor·std (running
 * statistics, momentum per step) until the freeze epoch; the forward pass always uses the
 * current fixed values, never the batch's own statistics. At the freeze epoch (or at the end when
 * nothing is frozen) the statistics are recomputed exactly, layer by layer, on up to 4096 chunks.
 */
export async function runTrainLoop(
  tf: Tf,
  model: RfsqTfModel,
  xn: Float32Array,
  options: TrainLoopOptions,
  progress: ProgressSink,
  now: () => number,
): Promise<TrainLoopResult> {
  const width = model.config.C * model.config.A;
  const N = xn.length / width;
  const robust = model.config.variant === 'robust';
  const L = model.config.L;
  const optimizer = tf.train.adam(options.learningRate);
  if (options.optimizerState) await restoreAdamState(tf, optimizer, options.optimizerState);
  const optimizerState = (): Promise<StoredTensor[]> => saveAdamState(optimizer);
  const order = Int32Array.from({ length: N }, (_, i) => i);
  const batch = Math.min(options.batchSize, N);
  const stepsPerEpoch = Math.ceil(N / batch);
  const freezeEpoch = Math.ceil(options.freezeFraction * options.epochs);
  const totalSteps = (options.epochs - options.startEpoch) * stepsPerEpoch;
  const gather = (idx: Int32Array) => {
    const out = new Float32Array(idx.length * width);
    idx.forEach((n, i) => out.set(xn.subarray(n * width, (n + 1) * width), i * width));
    return out;
  };
  const residualStats = (residuals: TfModule.Tensor2D): { mean: Float32Array; std: Float32Array } => {
    const { mean, variance } = tf.moments(residuals, 1);
    const m = mean.dataSync() as Float32Array;
    const v = variance.dataSync() as Float32Array;
    tf.dispose([mean, variance]);
    return { mean: Float32Array.from(m), std: Float32Array.from(v, (x) => Math.sqrt(Math.max(x, 0))) };
  };

  /** Sets every layer's shift/scale from these chunks, layer by layer (layer l sees layers < l already set). */
  const calibrate = (count: number) => {
    const idx = Int32Array.from(order).subarray(0, Math.min(count, N));
    const xb = tf.tensor2d(gather(idx), [idx.length, width]);
    for (let l = 0; l < L; l++) {
      const f = model.forward(xb);
      const { mean, std } = residualStats(f.residuals);
      tf.dispose([f.xHat, f.residuals]);
      const { layerScales, layerShifts } = model.getLayerNorm();
      layerShifts[l] = mean[l]!;
      layerScales[l] = Math.max(options.rangeFactor * std[l]!, 1e-8);
      model.setLayerNorm(layerScales, layerShifts);
    }
    xb.dispose();
  };
  if (robust && options.calibrate) {
    new SeededPrng(options.seed * 7919 + 104729).shuffle(order);
    calibrate(batch);
  }

  const epochLosses: number[] = [];
  const started = now();
  let steps = 0;
  let samples = 0;
  for (let epoch = options.startEpoch; epoch < options.epochs; epoch++) {
    // Each epoch's order depends on (seed, epoch) only, so a resumed run repeats an uninterrupted one.
    order.forEach((_, i) => (order[i] = i));
    new SeededPrng(options.seed * 7919 + epoch).shuffle(order);
    const updating = robust && epoch < freezeEpoch;
    // Freezing: one exact pass over up to 4096 chunks replaces the running statistics, and the
    // remaining epochs train the decoder against these fixed values.
    // (epoch > 0, not > startEpoch: a run resumed exactly at the freeze epoch calibrates as an uninterrupted one does)
    if (robust && epoch === freezeEpoch && epoch > 0) calibrate(CALIBRATION_CHUNKS);
    let lossSum = 0;
    for (let s = 0; s < stepsPerEpoch; s++) {
      const idx = order.subarray(s * batch, Math.min(N, (s + 1) * batch));
      const xb = tf.tensor2d(gather(idx), [idx.length, width]);
      let residuals: TfModule.Tensor2D | undefined;
      const loss = optimizer.minimize(() => {
        const f = model.forward(xb);
        residuals = tf.keep(f.residuals);
        return tf.losses.meanSquaredError(xb, f.xHat) as TfModule.Scalar;
      }, true, model.variables())!;
      const lossValue = loss.dataSync()[0]!;
      loss.dispose();
      xb.dispose();
      if (updating) {
        const { mean, std } = residualStats(residuals!);
        const { layerScales, layerShifts } = model.getLayerNorm();
        const mu = options.momentum;
        for (let l = 0; l < L; l++) {
          layerShifts[l] = mu * layerShifts[l]! + (1 - mu) * mean[l]!;
          layerScales[l] = Math.max(mu * layerScales[l]! + (1 - mu) * options.rangeFactor * std[l]!, 1e-8);
        }
        model.setLayerNorm(layerScales, layerShifts);
      }
      residuals!.dispose();
      if (!Number.isFinite(lossValue)) {
        throw new RfsqError('TRAINING_DIVERGED', `training diverged: loss ${lossValue} at epoch ${epoch + 1}, step ${s + 1} (lower --lr)`, { subject: '--lr' });
      }
      lossSum += lossValue * idx.length;
      steps++;
      samples += idx.length;
      progress.step({
        epoch, epochs: options.epochs, step: s, stepsPerEpoch, loss: lossValue, elapsedMs: now() - started, totalSteps, doneSteps: steps,
      });
    }
    const loss = lossSum / N;
    epochLosses.push(loss);
    const elapsed = now() - started;
    progress.epoch({
      epoch, epochs: options.epochs, loss, elapsedMs: elapsed,
      samplesPerSecond: samples / Math.max(elapsed / 1000, 1e-9),
      etaMs: (elapsed / steps) * (totalSteps - steps),
    });
    if (options.onEpoch) options.onEpoch(epoch, loss, await optimizerState());
  }
  if (robust && freezeEpoch >= options.epochs && options.epochs > options.startEpoch) calibrate(CALIBRATION_CHUNKS);
  optimizer.dispose();
  progress.done();
  return { epochLosses, steps, samples, trainMs: now() - started };
}
