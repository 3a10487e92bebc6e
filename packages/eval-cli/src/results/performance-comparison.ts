import type { EpisodeRecord, EpisodeStageMs } from './episode-record.ts';
import type { ModeResults } from './mode-results.ts';

/** `performance_comparison.json`: RSD against baseline on the same episodes. */
export interface PerformanceComparison {
  readonly task_suite: string;
  readonly acceptance: string;
  /** Mean inference time baseline / RSD (> 1: RSD is faster); null unless both modes ran. */
  readonly speedup: number | null;
  readonly speedup_p50: number | null;
  readonly speedup_p95: number | null;
  /** Per stage, baseline mean / RSD mean; `decoding` = draft + verify + autoregressive. */
  readonly speedup_by_stage: Readonly<Record<'backbone' | 'decoding' | 'decode' | 'total', number | null>>;
  readonly baseline: ModeSummary | null;
  readonly rsd: ModeSummary | null;
  readonly acceptance_stats: {
    readonly draft_acceptance_rate: number;
    readonly partial_acceptance_rate: number;
    readonly full_rejection_rate: number;
    readonly mean_accepted_layers: number;
    readonly acceptance_by_layer: readonly number[];
  } | null;
  /** Episodes run in both modes (status ok in both), and how their outcomes compare. */
  readonly paired: {
    readonly episodes: number;
    readonly both_success: number;
    readonly only_baseline: number;
    readonly only_rsd: number;
    readonly neither: number;
    /** Episodes whose token streams are identical in both modes (all of them under `exact`). */
    readonly identical_tokens: number;
  };
}

interface ModeSummary {
  /** null when the mode has no finished episode. */
  readonly success_rate: number | null;
  readonly inference_time_ms: ModeResults['inference_time_ms'];
  readonly stage_ms_mean: EpisodeStageMs | null;
  readonly episodes: number;
  readonly errors: number;
}

const div = (a: number | undefined, b: number | undefined) => (a === undefined || b === undefined || !(b > 0) ? null : a / b);

/** Compares the two modes' results and pairs their episodes by (task, trial). */
export function buildPerformanceComparison(
  baseline: ModeResults | null,
  rsd: ModeResults | null,
  records: readonly EpisodeRecord[],
  ctx: { readonly suite: string; readonly acceptance: string },
): PerformanceComparison {
  const summary = (m: ModeResults | null): ModeSummary | null =>
    m === null
      ? null
      : { success_rate: m.final_success_rate, inference_time_ms: m.inference_time_ms, stage_ms_mean: m.stage_ms_mean, episodes: m.total_episodes, errors: m.total_errors };
  const b = baseline?.inference_time_ms ?? undefined;
  const r = rsd?.inference_time_ms ?? undefined;
  const bs = baseline?.stage_ms_mean ?? undefined;
  const rs = rsd?.stage_ms_mean ?? undefined;
  const decoding = (s: EpisodeStageMs | undefined) => (s === undefined ? undefined : s.draft + s.verify + s.autoregressive);
  const key = (x: EpisodeRecord) => `${x.task_id}/${x.trial}`;
  const rsdByKey = new Map(records.filter((x) => x.mode === 'rsd' && x.status === 'ok').map((x) => [key(x), x]));
  const paired = { episodes: 0, both_success: 0, only_baseline: 0, only_rsd: 0, neither: 0, identical_tokens: 0 };
  for (const x of records) {
    if (x.mode !== 'baseline' || x.status !== 'ok') continue;
    const y = rsdByKey.get(key(x));
    if (y === undefined) continue;
    paired.episodes++;
    if (x.success && y.success) paired.both_success++;
    else if (x.success) paired.only_baseline++;
    else if (y.success) paired.only_rsd++;
    else paired.neither++;
    if (x.tokens_sha256 === y.tokens_sha256) paired.identical_tokens++;
  }
  return {
    task_suite: ctx.suite,
    acceptance: ctx.acceptance,
    speedup: div(b?.mean, r?.mean),
    speedup_p50: div(b?.p50, r?.p50),
    speedup_p95: div(b?.p95, r?.p95),
    speedup_by_stage: {
      backbone: div(bs?.backbone, rs?.backbone),
      decoding: div(decoding(bs), decoding(rs)),
      decode: div(bs?.decode, rs?.decode),
      total: div(bs?.total, rs?.total),
    },
    baseline: summary(baseline),
    rsd: summary(rsd),
    acceptance_stats: rsd === null ? null : { ...rsd.rsd_stats, acceptance_by_layer: rsd.acceptance_by_layer },
    paired,
  };
}
