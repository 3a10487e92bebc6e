export { arbHeadsConfig } from './arbitraries.ts';
export { randomHeadWeights } from './random-head-weights.ts';
export { SeededRandom } from './seeded-random.ts';
