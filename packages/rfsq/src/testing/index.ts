export { arbTokenShape, arbTokens } from './arbitraries.ts';
export { randomRfsqParams } from './random-rfsq-params.ts';
