import { join } from 'node:path';
import type { RunIdentity } from '../config/eval-config.ts';
import { reportHtml } from '../report/report-html.ts';
import type { ReportInput } from '../report/report-input.ts';
import { reportMarkdown } from '../report/report-markdown.ts';
import type { EpisodeRecord } from '../results/episode-record.ts';
import { buildModeResults, type ModeResults } from '../results/mode-results.ts';
import { buildPerformanceComparison, type PerformanceComparison } from '../results/performance-comparison.ts';
import type { RunManifest } from '../results/run-manifest.ts';
import { writeFileAtomic, writeJsonAtomic } from '../results/write-json-atomic.ts';
import { existsSync, readFileSync } from 'node:fs';

export interface RunOutputs {
  readonly baseline: ModeResults | null;
  readonly rsd: ModeResults | null;
  readonly jacobi: ModeResults | null;
  /** The teacher's continuous head (`--mode …,continuous`); absent or null when it did not run. */
  readonly continuous?: ModeResults | null;
  readonly comparison: PerformanceComparison;
}

/**
 * Writes results_<mode>.json, performance_comparison.json, report.md and report.html from the
 * records alone: the same records give the same files, however the run was interrupted.
 */
export function writeOutputs(outDir: string, run: RunManifest, records: readonly EpisodeRecord[]): RunOutputs {
  const id: RunIdentity = run.identity;
  const descriptions = new Map<number, string>();
  for (const r of records) if (r.task_description !== '') descriptions.set(r.task_id, r.task_description);
  const tasks = id.tasks.map((t) => ({ id: t, description: descriptions.get(t) ?? '' }));
  const ctx = { suite: id.suite, acceptance: id.acceptance, tasks };
  const baseline = id.modes.includes('baseline') ? buildModeResults('baseline', records, ctx) : null;
  const rsd = id.modes.includes('rsd') ? buildModeResults('rsd', records, ctx) : null;
  const jacobi = id.modes.includes('jacobi') ? buildModeResults('jacobi', records, ctx) : null;
  const continuous = id.modes.includes('continuous') ? buildModeResults('continuous', records, ctx) : null;
  const comparison = buildPerformanceComparison({ baseline, rsd, jacobi, continuous }, records, ctx);
  if (baseline !== null) writeJsonAtomic(join(outDir, 'results_baseline.json'), baseline);
  if (rsd !== null) writeJsonAtomic(join(outDir, 'results_rsd.json'), rsd);
  if (jacobi !== null) writeJsonAtomic(join(outDir, 'results_jacobi.json'), jacobi);
  if (continuous !== null) writeJsonAtomic(join(outDir, 'results_continuous.json'), continuous);
  writeJsonAtomic(join(outDir, 'performance_comparison.json'), comparison);
  const readVideo = (name: string) => {
    const file = join(outDir, 'videos', name);
    return existsSync(file) ? readFileSync(file) : undefined;
  };
  const input: ReportInput = { identity: id, env: run.env, bundleDir: run.bundleDir, bundleName: run.bundleName, startedAt: run.startedAt, notes: run.notes ?? [], baseline, rsd, jacobi, continuous, comparison, records, readVideo };
  writeFileAtomic(join(outDir, 'report.md'), reportMarkdown(input));
  writeFileAtomic(join(outDir, 'report.html'), reportHtml(input));
  return { baseline, rsd, jacobi, continuous, comparison };
}
