import { describe, expect, it } from 'vitest';
import { fakeRecord } from '../testing/fake-record.ts';
import { buildModeResults } from './mode-results.ts';
import { buildPerformanceComparison } from './performance-comparison.ts';

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
