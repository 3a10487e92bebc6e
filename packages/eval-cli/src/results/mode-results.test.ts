import { describe, expect, it } from 'vitest';
import { fakeRecord } from '../testing/fake-record.ts';
import { buildModeResults } from './mode-results.ts';
import { buildPerformanceComparison, mcnemarExactP } from './performance-comparison.ts';
import { episodeRecordProblem } from './episode-record.ts';

const tasks = [
  { id: 0, description: 'task zero' },
  { id: 1, description: 'task one' },
];
const ctx = { suite: 'embedded_spatial', acceptance: 'exact', tasks };
const rsdAcc = (accepted: number[]) => ({
  proposed_layers: 3 * accepted.length,
  accepted_layers: accepted.reduce((s, a) => s + a, 0),
  fully_accepted: accepted.reduce((s, a) => s + a, 0),
  partially_accepted: accepted.filter((a) => a < 3).length,
  rejected: 0,
  main_passes: 0,
  draft_passes: accepted.length,
  accepted_histogram: [0, 1, 2, 3].map((j) => accepted.filter((a) => a === j).length),
});

const records = [
  fakeRecord({ task_id: 0, trial: 0, success: true, inference_ms: [10, 20] }),
  fakeRecord({ task_id: 0, trial: 1, success: false, inference_ms: [30] }),
  fakeRecord({ task_id: 1, trial: 0, status: 'error', error: 'bridge died', inference_ms: [1000] }),
  fakeRecord({ task_id: 1, trial: 1, success: true, inference_ms: [40] }),
  fakeRecord({ mode: 'rsd', task_id: 0, trial: 0, success: true, inference_ms: [5, 10], acceptance: rsdAcc([3, 1]) }),
  fakeRecord({ mode: 'rsd', task_id: 0, trial: 1, success: true, inference_ms: [15], acceptance: rsdAcc([2]), tokens_sha256: 'other' }),
  fakeRecord({ mode: 'rsd', task_id: 1, trial: 0, success: false, inference_ms: [20], acceptance: rsdAcc([0]) }),
  fakeRecord({ mode: 'rsd', task_id: 1, trial: 1, success: true, inference_ms: [20], acceptance: rsdAcc([3]) }),
];

describe('buildModeResults', () => {
  const b = buildModeResults('baseline', records, ctx);
  const r = buildModeResults('rsd', records, ctx);

  it('has the SPEC §2 fields and counts errors apart from episodes', () => {
    expect(b).toMatchObject({ task_suite: 'embedded_spatial', use_speculative_decoding: false, total_episodes: 3, total_successes: 2, total_errors: 1 });
    expect(b.final_success_rate).toBeCloseTo(2 / 3);
    expect(b.task_results.map((t) => [t.task_id, t.task_description, t.successes, t.episodes, t.errors])).toEqual([
      [0, 'task zero', 1, 2, 0],
      [1, 'task one', 1, 1, 1],
    ]);
    expect(Object.keys(b.rsd_stats).sort()).toEqual(['draft_acceptance_rate', 'full_rejection_rate', 'mean_accepted_layers', 'partial_acceptance_rate']);
  });

  it('averages inference time over the calls of finished episodes only', () => {
    expect(b.avg_inference_time_ms).toBeCloseTo((10 + 20 + 30 + 40) / 4);
    expect(b.inference_time_ms).toMatchObject({ count: 4, p50: 25, min: 10, max: 40 });
  });

  it('computes acceptance over proposed layers and calls', () => {
    expect(r.use_speculative_decoding).toBe(true);
    // calls accepted 3, 1, 2, 0, 3 of 3 proposed layers
    expect(r.rsd_stats.draft_acceptance_rate).toBeCloseTo(9 / 15);
    expect(r.rsd_stats.mean_accepted_layers).toBeCloseTo(9 / 5);
    expect(r.rsd_stats.partial_acceptance_rate).toBeCloseTo(3 / 15);
    expect(r.acceptance_by_layer).toEqual([4 / 5, 3 / 5, 2 / 5]);
  });

  it('pairs the modes episode by episode', () => {
    const c = buildPerformanceComparison({ baseline: b, rsd: r, jacobi: null }, records, ctx);
    expect(c.speedup).toBeCloseTo(25 / 14);
    expect(c.paired).toEqual({ episodes: 3, both_success: 2, only_baseline: 0, only_rsd: 1, neither: 0, identical_tokens: 2 });
    expect(c.acceptance_stats?.acceptance_by_layer).toHaveLength(3);
    expect(buildPerformanceComparison({ baseline: b, rsd: null, jacobi: null }, records, ctx).speedup).toBeNull();
    expect(c.jacobi_vs_baseline).toBeNull();
  });
});

describe('the continuous mode (the teacher head, no tokens)', () => {
  // no tokens: every continuous record hashes the empty stream; its calls have no decoding statistics
  const cont = (over: Parameters<typeof fakeRecord>[0]) =>
    fakeRecord({ mode: 'continuous', tokens_sha256: 'e3b0c442', acceptance: { proposed_layers: 0, accepted_layers: 0, fully_accepted: 0, partially_accepted: 0, rejected: 0, main_passes: 0, draft_passes: 0, accepted_histogram: [1], pass_histogram: [1] }, ...over });
  const withContinuous = [
    ...records,
    cont({ task_id: 0, trial: 0, success: true, inference_ms: [4] }),
    cont({ task_id: 0, trial: 1, success: true, inference_ms: [6] }),
    cont({ task_id: 1, trial: 0, success: true, inference_ms: [5] }), // baseline's episode ended in error: not paired
    cont({ task_id: 1, trial: 1, success: false, inference_ms: [5] }),
  ];
  const b = buildModeResults('baseline', withContinuous, ctx);
  const r = buildModeResults('rsd', withContinuous, ctx);
  const c = buildModeResults('continuous', withContinuous, ctx);

  it('has results of its own: no speculative decoding, no acceptance, no decoding statistics, rsd_stats 0', () => {
    expect(c).toMatchObject({ use_speculative_decoding: false, decoding_mode: 'continuous', acceptance: 'none', decoding_stats: null, total_episodes: 4, total_successes: 3, acceptance_by_layer: [] });
    expect(c.rsd_stats).toEqual({ draft_acceptance_rate: 0, partial_acceptance_rate: 0, full_rejection_rate: 0, mean_accepted_layers: 0 });
    expect(c.task_results.map((t) => [t.successes, t.episodes])).toEqual([
      [2, 2],
      [1, 2],
    ]);
    // the other modes' results do not see continuous records
    expect(buildModeResults('baseline', records, ctx)).toEqual(b);
  });

  it('pairs continuous with baseline episode by episode (what tokenization costs); baseline vs rsd stays as it was', () => {
    const cmp = buildPerformanceComparison({ baseline: b, rsd: r, jacobi: null, continuous: c }, withContinuous, ctx);
    // baseline: t0/0 success, t0/1 failure, t1/1 success; continuous: success, success, failure
    expect(cmp.continuous_vs_baseline).toEqual({
      paired: { episodes: 3, both_success: 1, only_baseline: 1, only_continuous: 1, neither: 0 },
      baseline_success_rate: 2 / 3,
      continuous_success_rate: 2 / 3,
      success_cost: 0,
      mcnemar_p: 1,
      speedup: 25 / 5,
      speedup_p50: expect.any(Number),
      speedup_p95: expect.any(Number),
    });
    expect(cmp.continuous?.episodes).toBe(4);
    const without = buildPerformanceComparison({ baseline: b, rsd: r, jacobi: null }, records, ctx);
    for (const k of ['speedup', 'speedup_p50', 'speedup_p95', 'speedup_by_stage', 'paired', 'acceptance_stats', 'baseline', 'rsd'] as const) expect(cmp[k], k).toEqual(without[k]);
    expect(without).toMatchObject({ continuous: null, continuous_vs_baseline: null });
    // continuous without baseline: nothing to pair with
    expect(buildPerformanceComparison({ baseline: null, rsd: r, jacobi: null, continuous: c }, withContinuous, ctx).continuous_vs_baseline).toBeNull();
  });

  it('the cost is continuous − baseline: negative when the token policy beats its teacher', () => {
    const recs = [fakeRecord({ success: true }), fakeRecord({ trial: 1, success: true }), cont({ success: false }), cont({ trial: 1, success: true })];
    const t = buildPerformanceComparison({ baseline: buildModeResults('baseline', recs, ctx), rsd: null, jacobi: null, continuous: buildModeResults('continuous', recs, ctx) }, recs, ctx).continuous_vs_baseline!;
    expect(t.paired).toEqual({ episodes: 2, both_success: 1, only_baseline: 1, only_continuous: 0, neither: 0 });
    expect(t.success_cost).toBe(-0.5);
    expect(t.baseline_success_rate).toBe(1);
    expect(t.continuous_success_rate).toBe(0.5);
  });

  it('McNemar exact p: symmetric, 1 without discordant pairs, small for a lopsided split, finite for huge runs', () => {
    expect(mcnemarExactP(0, 0)).toBe(1);
    expect(mcnemarExactP(3, 3)).toBe(1);
    expect(mcnemarExactP(0, 10)).toBeCloseTo(2 / 1024, 12);
    expect(mcnemarExactP(10, 0)).toBe(mcnemarExactP(0, 10));
    expect(mcnemarExactP(1, 9)).toBeCloseTo((2 * 11) / 1024, 12);
    const big = mcnemarExactP(2000, 2500);
    expect(big).toBeGreaterThan(0);
    expect(big).toBeLessThan(1e-6);
  });

  it('episodes.jsonl accepts continuous records and still refuses unknown modes', () => {
    expect(episodeRecordProblem(cont({}))).toBeUndefined();
    expect(episodeRecordProblem({ ...cont({}), mode: 'teacher' })).toMatch(/field "mode" must be one of baseline, rsd, jacobi, continuous/);
  });
});
