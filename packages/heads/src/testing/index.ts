export { arbHeadsConfig } from './arbitraries.ts';
