export { arbAcceptance } from './arbitraries.ts';
