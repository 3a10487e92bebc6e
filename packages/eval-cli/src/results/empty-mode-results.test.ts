import { describe, expect, it } from 'vitest';
import { pct } from '../report/report-input.ts';
import { fakeRecord } from '../testing/fake-record.ts';
import { buildModeResults } from './mode-results.ts';

// A mode with no finished episode (every one ended in error) has no success rate: null, "–".
describe('a mode with no finished episode', () => {
  const tasks = [{ id: 0, description: 'task zero' }];
  const ctx = { suite: 'libero_spatial', acceptance: 'exact', tasks };
  const records = [fakeRecord({ status: 'error', error: 'bridge died' }), fakeRecord({ trial: 1, status: 'error', error: 'bridge died' })];

  it('reports its success rate as null (JSON null), never 0', () => {
    const m = buildModeResults('baseline', records, ctx);
    expect(m.total_episodes).toBe(0);
    expect(m.total_errors).toBe(2);
    expect(m.final_success_rate).toBeNull();
    expect(m.task_results[0]!.success_rate).toBeNull();
    expect(JSON.parse(JSON.stringify(m)).final_success_rate).toBeNull();
  });

  it('reports show "–" for it (report.md, report.html and the summary format rates with pct)', () => {
    expect(pct(null)).toBe('–');
    expect(pct(0)).toBe('0.0 %');
  });
});
