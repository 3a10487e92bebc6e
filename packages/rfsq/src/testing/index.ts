export { arbTokenShape, arbTokens } from './arbitraries.ts';
