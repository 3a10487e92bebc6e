export { arbAcceptance } from './arbitraries.ts';
export { countCalls, greedyTokens, oracleDraft, referenceModels } from './reference-models.ts';
export type { CallCounter } from './reference-models.ts';
