export { arbAcceptance } from './arbitraries.ts';
export { countCalls, greedyTokens, oracleDraft, referenceModels } from './reference-models.ts';
export type { CallCounter } from './reference-models.ts';
export { SPATIAL_INSTRUCTIONS, syntheticObservations } from './synthetic-observations.ts';
export { distillDraftLeastSquares } from './distill-draft.ts';
