import type * as TfModule from '@tensorflow/tfjs';
import { beforeAll, describe, expect, test } from 'vitest';
import { SeededPrng } from '../util/seeded-prng.ts';
import { adamBetaPower, restoreAdamState, saveAdamState } from './adam-state.ts';
import { selectTfBackend } from './select-tf-backend.ts';

let tf: typeof TfModule;
beforeAll(async () => {
  tf = (await selectTfBackend({ prefer: 'wasm', log: () => {} })).tf;
});

/** Adam on a least-squares toy problem: `steps` steps from `w`, then the weights. */
async function train(opt: TfModule.AdamOptimizer, w: TfModule.Variable, from: number, to: number): Promise<void> {
  const rng = new SeededPrng(5);
  for (let s = 0; s < to; s++) {
    const x = tf.tensor2d(rng.floats(8 * 4, -1, 1), [8, 4]);
    if (s >= from) opt.minimize(() => tf.mean(tf.square(tf.sub(tf.matMul(x, w), 1))) as TfModule.Scalar, false, [w]);
    x.dispose();
  }
}

describe('restoreAdamState', () => {
  test('adamBetaPower is the float32 product tfjs accumulates, which pow(beta, t+1) is not', () => {
    let acc = tf.scalar(0.9);
    const differs: number[] = [];
    for (let t = 1; t <= 40; t++) {
      const next = tf.mul(acc, 0.9) as TfModule.Scalar;
      acc.dispose();
      acc = next;
      expect(acc.dataSync()[0]).toBe(adamBetaPower(0.9, t));
      const p = tf.pow(0.9, t + 1);
      if (p.dataSync()[0] !== acc.dataSync()[0]) differs.push(t);
      p.dispose();
    }
    acc.dispose();
    expect(differs.length).toBeGreaterThan(0);
  });

  test('a fresh optimizer given the saved state continues bit-identically (30 + 30 steps)', async () => {
    const init = new SeededPrng(1).floats(4, -1, 1);
    const straight = tf.variable(tf.tensor2d(init, [4, 1]));
    const a = tf.train.adam(0.01);
    await train(a, straight, 0, 60);

    const resumed = tf.variable(tf.tensor2d(init, [4, 1]));
    const b = tf.train.adam(0.01);
    await train(b, resumed, 0, 30);
    const state = await saveAdamState(b);
    b.dispose();
    const c = tf.train.adam(0.01);
    await restoreAdamState(tf, c, state);
    await train(c, resumed, 30, 60);
    expect(Array.from(resumed.dataSync())).toEqual(Array.from(straight.dataSync()));
    tf.dispose([straight, resumed]);
    a.dispose();
    c.dispose();
  });
});
