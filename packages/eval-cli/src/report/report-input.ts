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
  readonly comparison: PerformanceComparison;
  readonly records: readonly EpisodeRecord[];
  /** The bytes of videos/<name> (rollout GIFs the HTML report embeds), undefined when absent. */
  readonly readVideo?: (name: string) => Uint8Array | undefined;
}

/** A rate as a percentage; null (no finished episode: no rate) is "–", never 0 %. */
export const pct = (v: number | null) => (v === null ? '–' : `${(100 * v).toFixed(1)} %`);
export const ms = (v: number | undefined | null) => (v === undefined || v === null ? '–' : `${v.toFixed(2)} ms`);
export const times = (v: number | null) => (v === null ? '–' : `${v.toFixed(2)}×`);
