import type { EvalMode } from '../config/eval-config.ts';
import type { EpisodeRecord, EpisodeStageMs } from './episode-record.ts';
import type { ModeResults } from './mode-results.ts';

/** One mode against another on the same episodes: latency ratios and paired outcomes. */
export interface ModeComparison {
  /** Mean inference time of the reference / this mode's (> 1: this mode is faster); null unless both ran. */
  readonly speedup: number | null;
  readonly speedup_p50: number | null;
  readonly speedup_p95: number | null;
  /** Per stage, reference mean / this mode's mean; `decoding` = draft + verify + autoregressive. */
  readonly speedup_by_stage: Readonly<Record<'backbone' | 'decoding' | 'decode' | 'total', number | null>>;
  /** Episodes run in both modes (status ok in both), and how their outcomes compare. */
  readonly paired: PairedOutcomes;
}

/** Paired episodes of a reference mode (`only_baseline`) and another (`only_rsd`). */
export interface PairedOutcomes {
  readonly episodes: number;
  readonly both_success: number;
  readonly only_baseline: number;
  readonly only_rsd: number;
  readonly neither: number;
  /** Episodes whose token streams are identical in both modes (all of them under `exact`). */
  readonly identical_tokens: number;
}

/**
 * The teacher's continuous head against the token baseline on the same episodes, paired by
 * (task, trial): what tokenization costs in success (and what the tokens cost in time). Token
 * streams are not compared (the continuous head decodes none).
 */
export interface TokenizationCost {
  /** Episodes finished (status ok) in both modes, and how their outcomes compare. */
  readonly paired: {
    readonly episodes: number;
    readonly both_success: number;
    readonly only_baseline: number;
    readonly only_continuous: number;
    readonly neither: number;
  };
  /** Success rates over the paired episodes only; null without pairs. */
  readonly baseline_success_rate: number | null;
  readonly continuous_success_rate: number | null;
  /**
   * continuous − baseline success rate over the paired episodes (= (only_continuous − only_baseline)
   * / episodes): > 0 is success the tokenized policy loses against its teacher; null without pairs.
   */
  readonly success_cost: number | null;
  /** Exact two-sided McNemar p-value of the discordant pairs (binomial, 1 when there are none); null without pairs. */
  readonly mcnemar_p: number | null;
  /** Mean inference time of baseline / of the continuous head (> 1: the continuous head is faster); null unless both ran. */
  readonly speedup: number | null;
  readonly speedup_p50: number | null;
  readonly speedup_p95: number | null;
}

/**
 * `performance_comparison.json`: RSD against baseline on the same episodes (the top-level
 * fields, SPEC §2), and, when the run has them, Jacobi against baseline and RSD against Jacobi
 * (whether the draft is worth its pass), and the continuous head against baseline (what
 * tokenization costs).
 */
export interface PerformanceComparison extends ModeComparison {
  readonly task_suite: string;
  readonly acceptance: string;
  readonly baseline: ModeSummary | null;
  readonly rsd: ModeSummary | null;
  readonly jacobi: ModeSummary | null;
  readonly acceptance_stats: {
    readonly draft_acceptance_rate: number;
    readonly partial_acceptance_rate: number;
    readonly full_rejection_rate: number;
    readonly mean_accepted_layers: number;
    readonly acceptance_by_layer: readonly number[];
  } | null;
  /** Jacobi (no draft) against baseline; null unless both ran. */
  readonly jacobi_vs_baseline: ModeComparison | null;
  /** RSD against Jacobi (`only_baseline` = only Jacobi succeeded); null unless both ran. */
  readonly rsd_vs_jacobi: ModeComparison | null;
  /** The continuous mode's summary; null unless it ran. */
  readonly continuous: ModeSummary | null;
  /** The continuous head against baseline, paired episode by episode; null unless both ran. */
  readonly continuous_vs_baseline: TokenizationCost | null;
}

interface ModeSummary {
  /** null when the mode has no finished episode. */
  readonly success_rate: number | null;
  readonly inference_time_ms: ModeResults['inference_time_ms'];
  readonly stage_ms_mean: EpisodeStageMs | null;
  readonly episodes: number;
  readonly errors: number;
  readonly decoding_stats: ModeResults['decoding_stats'];
}

const div = (a: number | undefined, b: number | undefined) => (a === undefined || b === undefined || !(b > 0) ? null : a / b);

/** `other` against the reference `ref` on the records of both modes, paired by (task, trial). */
function compare(ref: ModeResults, other: ModeResults, records: readonly EpisodeRecord[], refMode: EvalMode, otherMode: EvalMode): ModeComparison {
  const b = ref.inference_time_ms ?? undefined;
  const r = other.inference_time_ms ?? undefined;
  const bs = ref.stage_ms_mean ?? undefined;
  const rs = other.stage_ms_mean ?? undefined;
  const decoding = (s: EpisodeStageMs | undefined) => (s === undefined ? undefined : s.draft + s.verify + s.autoregressive);
  const key = (x: EpisodeRecord) => `${x.task_id}/${x.trial}`;
  const otherByKey = new Map(records.filter((x) => x.mode === otherMode && x.status === 'ok').map((x) => [key(x), x]));
  const paired = { episodes: 0, both_success: 0, only_baseline: 0, only_rsd: 0, neither: 0, identical_tokens: 0 };
  for (const x of records) {
    if (x.mode !== refMode || x.status !== 'ok') continue;
    const y = otherByKey.get(key(x));
    if (y === undefined) continue;
    paired.episodes++;
    if (x.success && y.success) paired.both_success++;
    else if (x.success) paired.only_baseline++;
    else if (y.success) paired.only_rsd++;
    else paired.neither++;
    if (x.tokens_sha256 === y.tokens_sha256) paired.identical_tokens++;
  }
  return {
    speedup: div(b?.mean, r?.mean),
    speedup_p50: div(b?.p50, r?.p50),
    speedup_p95: div(b?.p95, r?.p95),
    speedup_by_stage: {
      backbone: div(bs?.backbone, rs?.backbone),
      decoding: div(decoding(bs), decoding(rs)),
      decode: div(bs?.decode, rs?.decode),
      total: div(bs?.total, rs?.total),
    },
    paired,
  };
}

const NO_COMPARISON: ModeComparison = {
  speedup: null,
  speedup_p50: null,
  speedup_p95: null,
  speedup_by_stage: { backbone: null, decoding: null, decode: null, total: null },
  paired: { episodes: 0, both_success: 0, only_baseline: 0, only_rsd: 0, neither: 0, identical_tokens: 0 },
};

/**
 * Exact two-sided McNemar test: the probability, with discordant pairs b and c equally likely either
 * way, of a split at least as uneven as (b, c). Summed in log space (runs of thousands of episodes).
 */
export function mcnemarExactP(b: number, c: number): number {
  const n = b + c;
  if (n === 0) return 1;
  const k = Math.min(b, c);
  const logs: number[] = [];
  let log = n * Math.log(0.5);
  for (let i = 0; i <= k; i++) {
    if (i > 0) log += Math.log((n - i + 1) / i);
    logs.push(log);
  }
  const max = Math.max(...logs);
  const tail = Math.exp(max) * logs.reduce((s, l) => s + Math.exp(l - max), 0);
  return Math.min(1, 2 * tail);
}

/** The continuous head against baseline on their paired episodes (see {@link TokenizationCost}). */
function tokenizationCost(baseline: ModeResults, continuous: ModeResults, records: readonly EpisodeRecord[]): TokenizationCost {
  const key = (x: EpisodeRecord) => `${x.task_id}/${x.trial}`;
  const byKey = new Map(records.filter((x) => x.mode === 'continuous' && x.status === 'ok').map((x) => [key(x), x]));
  const paired = { episodes: 0, both_success: 0, only_baseline: 0, only_continuous: 0, neither: 0 };
  for (const x of records) {
    if (x.mode !== 'baseline' || x.status !== 'ok') continue;
    const y = byKey.get(key(x));
    if (y === undefined) continue;
    paired.episodes++;
    if (x.success && y.success) paired.both_success++;
    else if (x.success) paired.only_baseline++;
    else if (y.success) paired.only_continuous++;
    else paired.neither++;
  }
  const n = paired.episodes;
  const b = baseline.inference_time_ms ?? undefined;
  const c = continuous.inference_time_ms ?? undefined;
  return {
    paired,
    baseline_success_rate: n === 0 ? null : (paired.both_success + paired.only_baseline) / n,
    continuous_success_rate: n === 0 ? null : (paired.both_success + paired.only_continuous) / n,
    success_cost: n === 0 ? null : (paired.only_continuous - paired.only_baseline) / n,
    mcnemar_p: n === 0 ? null : mcnemarExactP(paired.only_baseline, paired.only_continuous),
    speedup: div(b?.mean, c?.mean),
    speedup_p50: div(b?.p50, c?.p50),
    speedup_p95: div(b?.p95, c?.p95),
  };
}

/** Compares the modes' results and pairs their episodes by (task, trial). */
export function buildPerformanceComparison(
  modes: { readonly baseline: ModeResults | null; readonly rsd: ModeResults | null; readonly jacobi: ModeResults | null; readonly continuous?: ModeResults | null },
  records: readonly EpisodeRecord[],
  ctx: { readonly suite: string; readonly acceptance: string },
): PerformanceComparison {
  const { baseline, rsd, jacobi } = modes;
  const continuous = modes.continuous ?? null;
  const summary = (m: ModeResults | null): ModeSummary | null =>
    m === null
      ? null
      : {
          success_rate: m.final_success_rate,
          inference_time_ms: m.inference_time_ms,
          stage_ms_mean: m.stage_ms_mean,
          episodes: m.total_episodes,
          errors: m.total_errors,
          decoding_stats: m.decoding_stats,
        };
  const main = baseline !== null && rsd !== null ? compare(baseline, rsd, records, 'baseline', 'rsd') : NO_COMPARISON;
  return {
    task_suite: ctx.suite,
    acceptance: ctx.acceptance,
    ...main,
    baseline: summary(baseline),
    rsd: summary(rsd),
    jacobi: summary(jacobi),
    acceptance_stats: rsd === null ? null : { ...rsd.rsd_stats, acceptance_by_layer: rsd.acceptance_by_layer },
    jacobi_vs_baseline: baseline !== null && jacobi !== null ? compare(baseline, jacobi, records, 'baseline', 'jacobi') : null,
    rsd_vs_jacobi: jacobi !== null && rsd !== null ? compare(jacobi, rsd, records, 'jacobi', 'rsd') : null,
    continuous: summary(continuous),
    continuous_vs_baseline: baseline !== null && continuous !== null ? tokenizationCost(baseline, continuous, records) : null,
  };
}
