// Measures backbone training throughput (samples/s) on the selected TF.js backend, with the
// wasm training kernels registered. Prints JSON. Usage:
//   npx tsx --conditions=@rsd/source packages/heads/tools/backbone-train-throughput.ts [imageSize] [batch] [steps]
import { selectTfBackend } from '@rsd/rfsq';
import { backboneParameterShapes, initBackboneWeights } from '../src/backbone/backbone-weights.ts';
import type { BackboneConfig } from '../src/backbone/backbone-config.ts';
import { backboneForward } from '../src/backbone/tf-backbone.ts';
import { registerWasmTrainingKernels } from '../src/tf/wasm-training-kernels.ts';

const [S = 64, B = 64, steps = 6] = process.argv.slice(2).map(Number);
const { tf, backend } = await selectTfBackend();
if (backend === 'wasm') registerWasmTrainingKernels(tf);
const cfg: BackboneConfig = {
  imageSize: S,
  convs: [
    { filters: 32, kernel: 5, stride: 2 },
    { filters: 64, kernel: 3, stride: 2 },
    { filters: 128, kernel: 3, stride: 2 },
    { filters: 128, kernel: 3, stride: 1 },
  ],
  vocabSize: 512,
  maxTokens: 16,
  wordDim: 32,
  proprioSize: 9,
  hidden: 256,
  F: 256,
};
const w = initBackboneWeights(cfg, 1);
const vars = Object.fromEntries(backboneParameterShapes(cfg).map(([n, s]) => [n, tf.variable(tf.tensor(w[n]!, s))]));
const params = backboneParameterShapes(cfg).reduce((a, [, s]) => a + s.reduce((x, y) => x * y, 1), 0);
const opt = tf.train.adam(1e-3);
const image = tf.randomUniform([B, S, S, 3], 0, 255, 'int32', 1);
const ids = tf.randomUniform([B, cfg.maxTokens], 0, cfg.vocabSize, 'int32', 2);
const proprio = tf.randomNormal([B, cfg.proprioSize], 0, 1, 'float32', 3);
const target = tf.randomNormal([B, cfg.F], 0, 1, 'float32', 4);
const times: number[] = [];
for (let i = 0; i < steps; i++) {
  const t0 = performance.now();
  const loss = opt.minimize(() => tf.losses.meanSquaredError(target, backboneForward(tf, cfg, vars, { image, instruction: ids, proprio })), true);
  await loss!.data();
  loss!.dispose();
  times.push(performance.now() - t0);
}
const steady = times.slice(1);
const ms = steady.reduce((a, b) => a + b, 0) / steady.length;
console.log(JSON.stringify({ backend, imageSize: S, batch: B, params, msPerStep: +ms.toFixed(1), samplesPerSecond: +((B * 1000) / ms).toFixed(1), numTensors: tf.memory().numTensors }));
