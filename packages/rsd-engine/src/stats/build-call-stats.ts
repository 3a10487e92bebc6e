import type { DecodeOutcome } from '../decode/decode-tokens.ts';
import type { DecodePlan } from '../decode/decode-plan.ts';
import type { CallStats, StageTimings } from './call-stats.ts';

/** Turns one decoding outcome into its {@link CallStats}. */
export function buildCallStats(
  outcome: DecodeOutcome,
  plan: DecodePlan,
  batch: number,
  timings: StageTimings,
  relaxedAllowance?: number[],
): CallStats {
  const rsd = plan.mode === 'rsd';
  const k = rsd ? plan.draftLayers : 0;
  let fullyAccepted = 0;
  let partiallyAccepted = 0;
  let rejected = 0;
  let discardedLayers = 0;
  if (rsd) {
    outcome.acceptedLayers.forEach((a, b) => {
      fullyAccepted += a;
      if (a < k) {
        if (outcome.partialLayer[b]) partiallyAccepted++;
        else rejected++;
        discardedLayers += k - a - 1;
      }
    });
  }
  const proposedLayers = batch * k;
  return {
    mode: plan.mode,
    batch,
    draftLayers: k,
    acceptedLayers: rsd ? outcome.acceptedLayers : new Array<number>(batch).fill(0),
    fullyAccepted,
    partiallyAccepted,
    rejected,
    discardedLayers,
    proposedLayers,
    acceptanceRate: proposedLayers === 0 ? 0 : fullyAccepted / proposedLayers,
    mainPasses: outcome.mainPasses,
    itemMainPasses: outcome.itemMainPasses,
    layersDecidedPerPass: outcome.layersDecidedPerPass,
    maxPositionRejections: outcome.maxPositionRejections,
    layerChecks: outcome.checks,
    draftPasses: outcome.draftPasses,
    timings,
    ...(relaxedAllowance === undefined ? {} : { relaxedAllowance }),
  };
}
