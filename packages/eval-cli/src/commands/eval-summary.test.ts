import { describe, expect, it } from 'vitest';
import { buildModeResults } from '../results/mode-results.ts';
import { buildPerformanceComparison } from '../results/performance-comparison.ts';
import { fakeRecord } from '../testing/fake-record.ts';
import { evalSummary, formatEvalSummary } from './eval-summary.ts';

describe('evalSummary', () => {
  const records = [fakeRecord({ success: true, inference_ms: [4] }), fakeRecord({ mode: 'rsd', inference_ms: [2] })];
  const ctx = { suite: 'embedded_spatial', acceptance: 'exact', tasks: [{ id: 0, description: 'x' }] };
  const baseline = buildModeResults('baseline', records, ctx);
  const rsd = buildModeResults('rsd', records, ctx);
  const comparison = buildPerformanceComparison({ baseline, rsd, jacobi: null }, records, ctx);

  it('is one JSON object with both modes, speedup and counts', () => {
    const s = evalSummary({ baseline, rsd, jacobi: null, comparison, outDir: '/r', ran: 2, skipped: 0, errors: 0 });
    expect(JSON.parse(JSON.stringify(s))).toEqual({
      out_dir: '/r',
      episodes_run: 2,
      episodes_skipped: 0,
      errors: 0,
      baseline_success_rate: 1,
      rsd_success_rate: 0,
      baseline_ms: 4,
      rsd_ms: 2,
      speedup: 2,
      draft_acceptance_rate: 0,
      jacobi_success_rate: null,
      jacobi_ms: null,
      jacobi_speedup: null,
      continuous_success_rate: null,
      continuous_ms: null,
      tokenization_cost: null,
    });
    expect(formatEvalSummary(s)).toContain('speedup 2.00x');
    expect(formatEvalSummary(s)).not.toContain('jacobi');
    expect(formatEvalSummary(s)).not.toContain('continuous');
  });

  it('uses null for a mode that did not run', () => {
    const s = evalSummary({ baseline, rsd: null, jacobi: null, comparison: buildPerformanceComparison({ baseline, rsd: null, jacobi: null }, records, ctx), outDir: '/r', ran: 1, skipped: 0, errors: 0 });
    expect(s).toMatchObject({ rsd_success_rate: null, rsd_ms: null, speedup: null, draft_acceptance_rate: null });
    expect(formatEvalSummary(s)).toContain('rsd –');
  });

  it('adds Jacobi, when it ran, with its own speedup over baseline', () => {
    const recs = [...records, fakeRecord({ mode: 'jacobi', inference_ms: [1], success: true })];
    const jacobi = buildModeResults('jacobi', recs, ctx);
    const c = buildPerformanceComparison({ baseline, rsd, jacobi }, recs, ctx);
    const s = evalSummary({ baseline, rsd, jacobi, comparison: c, outDir: '/r', ran: 3, skipped: 0, errors: 0 });
    expect(s).toMatchObject({ jacobi_success_rate: 1, jacobi_ms: 1, jacobi_speedup: 4 });
    expect(c.rsd_vs_jacobi?.speedup).toBe(0.5);
    expect(c.jacobi_vs_baseline?.paired).toMatchObject({ episodes: 1, both_success: 1 });
    expect(formatEvalSummary(s)).toContain('jacobi (no draft): success 100.0%, speedup 4.00x');
  });

  it('adds the continuous head, when it ran, with the tokenization cost (continuous − baseline, paired)', () => {
    const recs = [...records, fakeRecord({ mode: 'continuous', inference_ms: [1], success: false, tokens_sha256: '' })];
    const continuous = buildModeResults('continuous', recs, ctx);
    const c = buildPerformanceComparison({ baseline, rsd, jacobi: null, continuous }, recs, ctx);
    const s = evalSummary({ baseline, rsd, jacobi: null, continuous, comparison: c, outDir: '/r', ran: 3, skipped: 0, errors: 0 });
    expect(s).toMatchObject({ continuous_success_rate: 0, continuous_ms: 1, tokenization_cost: -1, speedup: 2 });
    expect(formatEvalSummary(s)).toContain('continuous (teacher head, no tokens): success 0.0%; tokenization cost -100.0 pp');
  });
});
