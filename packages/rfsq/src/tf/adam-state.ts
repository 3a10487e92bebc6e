import type * as TfModule from '@tensorflow/tfjs';

type Tf = typeof TfModule;

/** One tensor of Adam's state: float32 values and shape (`optimizer.getWeights()` order). */
export interface AdamTensor {
  readonly shape: readonly number[];
  readonly data: Float32Array;
}

/** The bias-correction power after `iterations` steps, as tfjs's float32 scalar holds it: fl(β·fl(β·…)). */
export function adamBetaPower(beta: number, iterations: number): number {
  const b = Math.fround(beta);
  let acc = b;
  // each step is one float32 multiply; the double product of two float32 values is exact, so one fround rounds as wasm does
  for (let t = 0; t < iterations; t++) acc = Math.fround(acc * b);
  return acc;
}

/** Adam's state as plain arrays: [iterations, m_0..m_n−1, v_0..v_n−1] (`getWeights()` order). */
export async function saveAdamState(optimizer: TfModule.Optimizer): Promise<AdamTensor[]> {
  const weights = await optimizer.getWeights();
  const out = weights.map((w) => ({ shape: w.tensor.shape, data: Float32Array.from(w.tensor.dataSync()) }));
  weights[0]!.tensor.dispose(); // the iteration count is a fresh scalar; the moments belong to Adam
  return out;
}

/**
 * Restores a state written by {@link saveAdamState} into a fresh `tf.train.adam` so that the
 * next step is bit-identical to an uninterrupted run. `setWeights` alone is not: it sets the
 * bias-correction powers to `pow(β, t+1)`, while training accumulates them by one float32
 * multiply per step, which differs in the last bits and shifts every later update.
 */
export async function restoreAdamState(tf: Tf, optimizer: TfModule.AdamOptimizer, state: readonly AdamTensor[]): Promise<void> {
  if (state.length === 0) return;
  const [iter, ...moments] = state;
  const tensors = [
    { name: 'iter', tensor: tf.scalar(iter!.data[0]!, 'int32') },
    ...moments.map((t, i) => ({ name: `moment_${i}`, tensor: tf.tensor(t.data, [...t.shape]) })),
  ];
  await optimizer.setWeights(tensors);
  tf.dispose(tensors.map((t) => t.tensor));
  const iterations = iter!.data[0]!;
  // accBeta1/accBeta2 are fields of tfjs's AdamOptimizer that its typings mark private
  const acc = optimizer as unknown as { accBeta1: TfModule.Variable; accBeta2: TfModule.Variable; beta1: number; beta2: number };
  tf.tidy(() => {
    acc.accBeta1.assign(tf.scalar(adamBetaPower(acc.beta1, iterations)));
    acc.accBeta2.assign(tf.scalar(adamBetaPower(acc.beta2, iterations)));
  });
}
