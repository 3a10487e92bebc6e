import { describe, expect, it } from 'vitest';
import { EpisodeStatsAccumulator } from '../protocol/episode-stats-accumulator.ts';
import type { PolicyCallStats } from '../policy/policy.ts';
import { fakeRecord } from '../testing/fake-record.ts';
import { buildDecodingStats } from './decoding-stats.ts';

const L = 4;
const zero = () => new Array<number>(L).fill(0);
/** One batch-1 call: `decided` layers per pass; the draft checked layers 0..1 (layer 1 rejected at `rejected` of 6 positions); main's guesses kept. */
function call(decided: number[], rejected: number): PolicyCallStats {
  const draft = { tokensChecked: [6, 6, 0, 0], tokensKept: [6, 6 - rejected, 0, 0], layersChecked: [1, 1, 0, 0], layersKept: [1, rejected === 0 ? 1 : 0, 0, 0] };
  const main = { tokensChecked: zero(), tokensKept: zero(), layersChecked: zero(), layersKept: zero() };
  if (decided.length > 1) {
    main.tokensChecked[2] = 6;
    main.tokensKept[2] = 6;
    main.layersChecked[2] = 1;
    main.layersKept[2] = 1;
  }
  return {
    proposedLayers: 2,
    acceptedLayers: rejected === 0 ? 2 : 1,
    fullyAccepted: rejected === 0 ? 2 : 1,
    partiallyAccepted: rejected === 0 ? 0 : 1,
    rejected: 0,
    mainPasses: decided.length,
    draftPasses: 1,
    layersDecidedPerPass: decided,
    maxPositionRejections: rejected === 0 ? 0 : 1,
    layerChecks: { draft, main },
    timings: { backboneMs: 1, draftMs: 0.1, verifyMs: 1, autoregressiveMs: 0, decodeMs: 0.1, totalMs: 2.2 },
  };
}

describe('buildDecodingStats', () => {
  it('sums the per-call statistics an episode records into histograms and rates', () => {
    const acc = new EpisodeStatsAccumulator();
    acc.addCall(2, call([2, 2], 2));
    acc.addCall(2, call([2, 1, 1], 3));
    acc.addCall(1, call([4], 0));
    const fields = acc.toRecordFields();
    expect(fields.acceptance.pass_histogram).toEqual([0, 1, 1, 1]);
    expect(fields.acceptance.decided_by_pass).toEqual([8, 3, 1]);
    const s = buildDecodingStats([fakeRecord({ mode: 'rsd', ...fields })])!;
    expect(s.policy_calls).toBe(3);
    expect(s.mean_main_passes).toBe(2);
    expect(s.pass_histogram).toEqual([0, 1, 1, 1]);
    // 12 layers over 6 passes; pass 1 ran in 3 calls (8 layers), pass 2 in 2 (3), pass 3 in 1 (1)
    expect(s.mean_layers_per_pass).toBe(2);
    expect(s.layers_decided_by_pass).toEqual([8 / 3, 3 / 2, 1]);
    expect(s.acceptance_by_source.draft.token_rate).toEqual([1, 13 / 18, null, null]);
    expect(s.acceptance_by_source.draft.layer_rate).toEqual([1, 1 / 3, null, null]);
    expect(s.acceptance_by_source.main.token_rate).toEqual([null, null, 1, null]);
    expect(s.max_rejections_histogram).toEqual([1, 2]);
  });

  it('is null for records without the statistics (older runs) or without calls', () => {
    expect(buildDecodingStats([fakeRecord({})])).toBeNull();
    expect(buildDecodingStats([])).toBeNull();
  });
});
