import { LayerChecks } from '@rsd/rsd-engine';
import type { PolicyChunk } from './policy.ts';

/**
 * A chunk from a continuous head (the teacher policy): no tokens are decoded, so `tokens` is empty
 * and every decoding statistic is zero (no draft, no main pass, `L` zero layer checks); the stages
 * are the backbone, the head (reported as `decodeMs`) and the total. actions: float32 [C, A].
 */
export function continuousChunk(
  actions: Float32Array,
  dims: { readonly C: number; readonly A: number; readonly L: number },
  timings: { readonly backboneMs: number; readonly headMs: number; readonly totalMs: number },
): PolicyChunk {
  const none = new LayerChecks(dims.L);
  return {
    actions,
    chunk: dims.C,
    actionDim: dims.A,
    tokens: new Int32Array(0),
    stats: {
      proposedLayers: 0,
      acceptedLayers: 0,
      fullyAccepted: 0,
      partiallyAccepted: 0,
      rejected: 0,
      mainPasses: 0,
      draftPasses: 0,
      layersDecidedPerPass: [],
      maxPositionRejections: 0,
      layerChecks: { draft: none.draft, main: none.main },
      timings: { backboneMs: timings.backboneMs, draftMs: 0, verifyMs: 0, autoregressiveMs: 0, decodeMs: timings.headMs, totalMs: timings.totalMs },
    },
  };
}
