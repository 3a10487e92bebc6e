import type * as TfModule from '@tensorflow/tfjs';
import {
  backboneForward,
  backboneParameterShapes,
  initBackboneWeights,
  MainHeadTf,
  type BackboneConfig,
  type BackboneWeights,
  type HeadsConfig,
  type MainWeights,
} from '@rsd/heads';
import { restoreAdamState, saveAdamState, SeededPrng } from '@rsd/rfsq';
import type { ProgressStream } from '../progress/progress-reporter.ts';
import type { PolicyCheckpoint, PolicyEpochMetrics } from './policy-checkpoint.ts';
import type { PolicyDataset } from './policy-dataset.ts';
import { StageProgress } from './stage-progress.ts';
import { PROPRIO_SIZE } from './train-default-config.ts';
import { randomShift } from './random-shift.ts';
import { policyLoss, sliceBatch, tokenCrossEntropy, type BatchArrays } from './policy-loss.ts';
import { GradientWorkerClient, readWeights } from './gradient-worker-client.ts';

type Tf = typeof TfModule;

export interface TrainPolicyOptions {
  readonly backbone: BackboneConfig;
  readonly heads: HeadsConfig;
  /** Initial main-head weights (PyTorch layout, seeded by the caller). */
  readonly mainInit: MainWeights;
  /** Initial backbone weights (fine-tuning); default: seeded from `seed`. */
  readonly backboneInit?: BackboneWeights;
  readonly epochs: number;
  readonly batchSize: number;
  readonly learningRate: number;
  /** `cosine`: decay per step from `learningRate` to 5 % of it at the last step; default constant. */
  readonly lrSchedule?: 'constant' | 'cosine';
  readonly shift: number;
  readonly seed: number;
  /** float [L]: weight of each residual layer in the training loss (mean 1); uniform when absent. Validation loss is unweighted. */
  readonly layerWeights?: readonly number[];
  /** Sample indices held out for the validation loss. */
  readonly val: readonly number[];
  readonly train: readonly number[];
  /** Continue after this checkpoint's epoch (weights, Adam, generator, schedule position, history). */
  readonly resumeFrom?: Omit<PolicyCheckpoint, 'key'>;
  /** Called after every epoch with the state to continue from; a throw stops training (tests simulate a kill so). */
  readonly checkpoint?: (state: Omit<PolicyCheckpoint, 'key'>) => Promise<void>;
  /** Progress (default: piped lines through `log`). */
  readonly progress?: ProgressStream;
  /** Stage name on progress lines (default `policy`). */
  readonly stageName?: string;
  /**
   * Threads computing gradients (default 1). With 2, a worker thread takes the second half of
   * every minibatch and the two halves' gradients are averaged before the Adam step
   * (data-parallel on two cores; deterministic, but not bit-equal to 1).
   */
  readonly workers?: 1 | 2;
}

export interface TrainPolicyResult {
  readonly backbone: BackboneWeights;
  readonly main: MainWeights;
  /** float32 [N, F]: backbone features of every sample (no augmentation), for the draft. */
  readonly features: Float32Array;
  readonly history: readonly PolicyEpochMetrics[];
  /** Over every session's epochs. */
  readonly samplesPerSecond: number;
}

function gather<T extends Uint8Array | Int32Array | Float32Array>(
  src: T,
  width: number,
  rows: readonly number[],
  make: (n: number) => T,
): T {
  const out = make(rows.length * width);
  rows.forEach((r, i) => out.set(src.subarray(r * width, (r + 1) * width), i * width));
  return out;
}

/**
 * Trains the backbone and the main head jointly on token cross-entropy (teacher forcing over
 * all L layers), with seeded ±shift random-shift augmentation of the agent view. Minibatch
 * order and shifts come from `seed` only. `checkpoint` receives the whole training state after
 * every epoch; a run given it back as `resumeFrom` continues bit-identically.
 */
export async function trainPolicy(
  tf: Tf,
  data: PolicyDataset,
  o: TrainPolicyOptions,
  log: (line: string) => void,
): Promise<TrainPolicyResult> {
  const { C, H, L, K, F } = o.heads;
  const S = data.imageSize;
  const frame = S * S * 3;
  const tokW = C * H * L;
  const shapes = backboneParameterShapes(o.backbone);
  const start = o.resumeFrom;
  const init = start?.backbone ?? o.backboneInit ?? initBackboneWeights(o.backbone, o.seed);
  const vars: Record<string, TfModule.Variable> = Object.fromEntries(
    shapes.map(([n, s]) => [n, tf.variable(tf.tensor(init[n]!, s), true, `backbone.${n}`)]),
  );
  const main = new MainHeadTf(tf, o.heads, start?.main ?? o.mainInit);
  const opt = tf.train.adam(o.learningRate);
  if (start !== undefined) await restoreAdamState(tf, opt, start.adam);
  if (o.layerWeights !== undefined && o.layerWeights.length !== L)
    throw new RangeError(`options.layerWeights must have L = ${L} values`);
  const layerWeights = o.layerWeights === undefined ? undefined : tf.tensor1d([...o.layerWeights]);
  // one stream for minibatch order and shifts, in that order; checkpoints carry its state
  const rng = start === undefined ? new SeededPrng(o.seed + 17) : SeededPrng.fromState(start.rng);
  const batchArrays = (rows: readonly number[], augment: boolean): BatchArrays => {
    const img = gather(data.images, frame, rows, (n) => new Uint8Array(n));
    return {
      n: rows.length,
      images: augment ? randomShift(img, rows.length, S, o.shift, rng) : img,
      instructions: gather(data.instructions, data.maxTokens, rows, (n) => new Int32Array(n)),
      proprio: gather(data.proprio, PROPRIO_SIZE, rows, (n) => new Float32Array(n)),
      tokens: gather(data.tokens, tokW, rows, (n) => new Int32Array(n)),
    };
  };
  const batch = (rows: readonly number[], augment: boolean) => {
    const img = gather(data.images, frame, rows, (n) => new Uint8Array(n));
    return {
      image: tf.tensor4d(
        augment ? randomShift(img, rows.length, S, o.shift, rng) : img,
        [rows.length, S, S, 3],
        'int32',
      ),
      instruction: tf.tensor2d(
        gather(data.instructions, data.maxTokens, rows, (n) => new Int32Array(n)),
        [rows.length, data.maxTokens],
        'int32',
      ),
      proprio: tf.tensor2d(
        gather(data.proprio, PROPRIO_SIZE, rows, (n) => new Float32Array(n)),
        [rows.length, PROPRIO_SIZE],
      ),
      tokens: tf.tensor4d(
        gather(data.tokens, tokW, rows, (n) => new Int32Array(n)),
        [rows.length, C, H, L],
        'int32',
      ),
    };
  };
  const readBackbone = (): BackboneWeights =>
    Object.fromEntries(shapes.map(([n]) => [n, Float32Array.from(vars[n]!.dataSync() as Float32Array)]));
  const chunks = (rows: readonly number[], size: number) =>
    Array.from({ length: Math.ceil(rows.length / size) }, (_, i) => rows.slice(i * size, (i + 1) * size));
  const evaluate = () => {
    let loss = 0;
    const correct = new Array<number>(L).fill(0);
    for (const rows of chunks(o.val, 128)) {
      const b = batch(rows, false);
      const logits = tf.tidy(() =>
        main.apply(backboneForward(tf, o.backbone, vars, b) as TfModule.Tensor2D, b.tokens as TfModule.Tensor4D),
      );
      const ce = tf.tidy(() => tokenCrossEntropy(tf, logits, b.tokens, K));
      const argmax = tf.tidy(() => tf.argMax(logits, -1));
      loss += ce.dataSync()[0]! * rows.length;
      const pred = argmax.dataSync();
      const truth = b.tokens.dataSync();
      for (let i = 0; i < truth.length; i++) if (pred[i] === truth[i]) correct[i % L]!++;
      tf.dispose([b.image, b.instruction, b.proprio, b.tokens, logits, ce, argmax]);
    }
    const n = Math.max(1, o.val.length);
    return { valLoss: loss / n, valAccuracyPerLayer: correct.map((c) => c / (n * C * H)) };
  };
  const history: PolicyEpochMetrics[] = [...(start?.history ?? [])];
  let trained = start?.trained ?? 0;
  let trainSeconds = start?.trainSeconds ?? 0;
  const stepsPerEpoch = Math.ceil(o.train.length / o.batchSize);
  const totalSteps = o.epochs * stepsPerEpoch;
  let step = start?.step ?? 0;
  const firstEpoch = (start?.epoch ?? 0) + 1;
  const progress = new StageProgress(o.progress ?? { write: (t) => log(t.replace(/\n$/, '')) }, {
    stage: o.stageName ?? 'policy',
    unitName: 'epoch',
    total: o.epochs,
    done: firstEpoch - 1,
  });
  // tf.train.adam reads its public `learningRate` field at every update
  const setLr = (lr: number) => {
    (opt as unknown as { learningRate: number }).learningRate = lr;
  };
  const ordered = [...shapes.map(([n]) => vars[n]!), ...main.variables];
  const worker =
    (o.workers ?? 1) === 2
      ? await GradientWorkerClient.start({
          backbone: o.backbone,
          heads: o.heads,
          backboneShapes: shapes,
          backboneInit: readBackbone(),
          mainInit: main.weights(),
          ...(o.layerWeights === undefined ? {} : { layerWeights: o.layerWeights }),
        })
      : undefined;
  /** One Adam step on a batch split in two: rows [0, h) here, [h, n) in the worker, at the same time. */
  const parallelStep = async (w: GradientWorkerClient, b: BatchArrays): Promise<number> => {
    const h = Math.ceil(b.n / 2);
    if (h === b.n) {
      const cost = opt.minimize(() => policyLoss(tf, o.backbone, vars, main, b, layerWeights), true, ordered)!;
      const l = (await cost.data())[0]!;
      cost.dispose();
      return l;
    }
    const remote = w.gradients(readWeights(ordered), sliceBatch(b, h, b.n));
    const local = tf.variableGrads(() => policyLoss(tf, o.backbone, vars, main, sliceBatch(b, 0, h), layerWeights), ordered);
    const r = await remote;
    const a = h / b.n;
    // as an array in variable order: Adam keys its moments by position (as minimize with a var list does)
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
      const order = [...o.train];
      rng.shuffle(order);
      let sum = 0;
      let epochSamples = 0;
      for (const [bi, rows] of chunks(order, o.batchSize).entries()) {
        if (o.lrSchedule === 'cosine')
          setLr(o.learningRate * (0.05 + 0.95 * 0.5 * (1 + Math.cos((Math.PI * step) / Math.max(1, totalSteps - 1)))));
        step++;
        let loss: number;
        if (worker === undefined) {
          const b = batch(rows, o.shift > 0);
          const cost = opt.minimize(
            () =>
              tokenCrossEntropy(
                tf,
                main.apply(backboneForward(tf, o.backbone, vars, b) as TfModule.Tensor2D, b.tokens as TfModule.Tensor4D),
                b.tokens,
                K,
                layerWeights,
              ),
            true,
            [...Object.values(vars), ...main.variables],
          )!;
          loss = (await cost.data())[0]!;
          tf.dispose([b.image, b.instruction, b.proprio, b.tokens, cost]);
        } else {
          loss = await parallelStep(worker, batchArrays(rows, o.shift > 0));
        }
        sum += loss * rows.length;
        trained += rows.length;
        epochSamples += rows.length;
        progress.tick(bi + 1, stepsPerEpoch, epochSamples);
      }
      const seconds = (performance.now() - t0) / 1000;
      trainSeconds += seconds;
      const m = evaluate();
      history.push({ epoch, trainLoss: sum / o.train.length, ...m, seconds });
      progress.unit(
        epochSamples,
        `loss ${(sum / o.train.length).toFixed(4)} val ${m.valLoss.toFixed(4)} acc/layer ${m.valAccuracyPerLayer.map((a) => a.toFixed(2)).join(' ')} (tensors ${tf.memory().numTensors})`,
      );
      await o.checkpoint?.({
        epoch,
        step,
        rng: rng.snapshot(),
        backbone: readBackbone(),
        main: main.weights(),
        adam: await saveAdamState(opt),
        history: [...history],
        trained,
        trainSeconds,
      });
    }
    const features = new Float32Array(data.N * F);
    const all = Array.from({ length: data.N }, (_, i) => i);
    for (const rows of chunks(all, 128)) {
      const b = batch(rows, false);
      const f = tf.tidy(() => backboneForward(tf, o.backbone, vars, b));
      features.set(f.dataSync() as Float32Array, rows[0]! * F);
      tf.dispose([b.image, b.instruction, b.proprio, b.tokens, f]);
    }
    return {
      backbone: readBackbone(),
      main: main.weights(),
      features,
      history,
      samplesPerSecond: trained / Math.max(trainSeconds, 1e-9),
    };
  } finally {
    await worker?.close();
    opt.dispose();
    main.dispose();
    layerWeights?.dispose();
    tf.dispose(Object.values(vars));
  }
}
