import type { RunIdentity } from '../config/eval-config.ts';
import type { EpisodeRecord } from '../results/episode-record.ts';
import type { ModeResults } from '../results/mode-results.ts';
import type { PerformanceComparison } from '../results/performance-comparison.ts';

/** Everything a report shows; built from episodes.jsonl and run.json only. */
export interface ReportInput {
  readonly identity: RunIdentity;
  /** `--env` as given (embedded, python, tcp://…). */
  readonly env: string;
  readonly bundleDir: string;
  readonly bundleName: string | undefined;
  /** When the run was first started (ISO 8601). */
  readonly startedAt: string;
  /** run.json `notes`: the render size and resize, a bundle trained elsewhere. */
  readonly notes?: readonly string[];
  readonly baseline: ModeResults | null;
  readonly rsd: ModeResults | null;
  readonly jacobi: ModeResults | null;
  /** The teacher's continuous head; absent or null when it did not run. */
  readonly continuous?: ModeResults | null;
  readonly comparison: PerformanceComparison;
  readonly records: readonly EpisodeRecord[];
  /** The bytes of videos/<name> (rollout GIFs the HTML report embeds), undefined when absent. */
  readonly readVideo?: (name: string) => Uint8Array | undefined;
}

/** A rate as a percentage; null (no finished episode: no rate) is "–", never 0 %. */
export const pct = (v: number | null) => (v === null ? '–' : `${(100 * v).toFixed(1)} %`);
export const ms = (v: number | undefined | null) => (v === undefined || v === null ? '–' : `${v.toFixed(2)} ms`);
export const times = (v: number | null) => (v === null ? '–' : `${v.toFixed(2)}×`);

/**
 * One sentence on what tokenization costs: the continuous head's success against the token
 * baseline on the same episodes (paired by task and trial). Undefined when continuous did not run.
 */
export function tokenizationCostLine(input: ReportInput): string | undefined {
  if (!input.identity.modes.includes('continuous')) return undefined;
  const t = input.comparison.continuous_vs_baseline;
  if (t === null || t === undefined) return 'Tokenization cost: no token baseline in this run, so the continuous head (the teacher, no tokens) has nothing to be paired with; run --mode baseline,continuous (or baseline,rsd,continuous).';
  const p = t.paired;
  if (p.episodes === 0) return 'Tokenization cost: no episode finished in both baseline and continuous, so nothing is paired.';
  const pp = (v: number | null) => (v === null ? '–' : `${(100 * v).toFixed(1)} pp`);
  const cost = t.success_cost;
  const verdict = cost === null ? '' : cost > 0 ? `tokenization costs ${pp(cost)} of success` : cost < 0 ? `the token policy succeeds ${pp(-cost)} more often than its teacher` : 'no difference in success';
  return (
    `Tokenization cost (continuous head vs token baseline, paired on ${p.episodes} episode${p.episodes === 1 ? '' : 's'} of the same task and trial): continuous ${pct(t.continuous_success_rate)} vs baseline ${pct(t.baseline_success_rate)}, ${verdict}; ` +
    `only continuous succeeded ${p.only_continuous}, only baseline ${p.only_baseline}, both ${p.both_success}, neither ${p.neither} (exact McNemar p = ${t.mcnemar_p === null ? '–' : t.mcnemar_p.toPrecision(3)}). ` +
    `Baseline time / continuous time (backbone + continuous head, no decoding): ${times(t.speedup)}.`
  );
}
