export { arbHeadsConfig } from './arbitraries.ts';
export { randomHeadWeights } from './random-head-weights.ts';
export { SeededRandom } from './seeded-random.ts';
export { exportTestBackboneOnnx } from './test-backbone-onnx.ts';
export { writeRandomBundle } from './write-random-bundle.ts';
export type { RandomBundle, RandomBundleOptions } from './write-random-bundle.ts';
export { arbCheckpointTensor, arbStateDict } from '../checkpoint/checkpoint-arbitraries.ts';
export { syntheticFeatureDataset } from './synthetic-feature-dataset.ts';
