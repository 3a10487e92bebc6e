export { arbAction } from './arbitraries.ts';
