import type { EvalMode } from '../config/eval-config.ts';
import { wilsonInterval } from '../report/wilson-interval.ts';
import { buildDecodingStats, type DecodingStats } from './decoding-stats.ts';
import type { EpisodeRecord, EpisodeStageMs } from './episode-record.ts';
import { summarizeLatency, type LatencySummary } from './latency-summary.ts';

/** Per-task line of results_<mode>.json. */
export interface TaskResult {
  readonly task_id: number;
  readonly task_description: string;
  /** successes / episodes; episodes ended in `error` are not counted (see `errors`). null when no episode finished. */
  readonly success_rate: number | null;
  readonly successes: number;
  readonly episodes: number;
  readonly errors: number;
  readonly success_rate_ci95: readonly [number, number];
}

/** RSD acceptance statistics (SPEC §2). Zero in baseline and continuous mode (no draft, nothing proposed). */
export interface RsdStats {
  /** Fully accepted draft layers / proposed draft layers. */
  readonly draft_acceptance_rate: number;
  /** Partially accepted draft layers / proposed draft layers. */
  readonly partial_acceptance_rate: number;
  /** Rejected draft layers / proposed draft layers. */
  readonly full_rejection_rate: number;
  /** Accepted draft layers per policy call. */
  readonly mean_accepted_layers: number;
}

/** `results_<mode>.json`: SPEC §2's fields first, then the extras reports use. */
export interface ModeResults {
  readonly task_suite: string;
  readonly use_speculative_decoding: boolean;
  readonly total_episodes: number;
  readonly total_successes: number;
  /** total_successes / total_episodes; null (not 0) when no episode finished, e.g. every one ended in error. */
  readonly final_success_rate: number | null;
  readonly avg_inference_time_ms: number;
  readonly rsd_stats: RsdStats;
  readonly task_results: readonly TaskResult[];
  readonly total_errors: number;
  readonly success_rate_ci95: readonly [number, number];
  readonly inference_time_ms: LatencySummary | null;
  /** Mean wall time of each engine stage per call, ms (`continuous`: `decode` is the continuous head, draft/verify/autoregressive 0). */
  readonly stage_ms_mean: EpisodeStageMs | null;
  /** acceptance_by_layer[l] = fraction of calls whose draft layer l was accepted. */
  readonly acceptance_by_layer: readonly number[];
  readonly policy_calls: number;
  readonly acceptance: string;
  /** `baseline`, `rsd`, `jacobi`, or `continuous` (the teacher head: no tokens decoded). */
  readonly decoding_mode: EvalMode;
  /** Main passes per call (histogram), layers decided per pass, acceptance by layer and source; null without calls and for `continuous`. */
  readonly decoding_stats: DecodingStats | null;
}

const ratio = (a: number, b: number) => (b === 0 ? 0 : a / b);

/** Aggregates the records of one mode. `tasks` gives the order and descriptions of every task run. */
export function buildModeResults(
  mode: EvalMode,
  records: readonly EpisodeRecord[],
  ctx: { readonly suite: string; readonly acceptance: string; readonly tasks: readonly { id: number; description: string }[] },
): ModeResults {
  const mine = records.filter((r) => r.mode === mode);
  const ok = mine.filter((r) => r.status === 'ok');
  const task_results: TaskResult[] = ctx.tasks.map((t) => {
    const rs = mine.filter((r) => r.task_id === t.id);
    const done = rs.filter((r) => r.status === 'ok');
    const successes = done.filter((r) => r.success).length;
    const ci = wilsonInterval(successes, done.length);
    return {
      task_id: t.id,
      task_description: t.description,
      success_rate: done.length === 0 ? null : successes / done.length,
      successes,
      episodes: done.length,
      errors: rs.length - done.length,
      success_rate_ci95: [ci.low, ci.high],
    };
  });
  const successes = ok.filter((r) => r.success).length;
  const latencies = ok.flatMap((r) => r.inference_ms);
  const latency = summarizeLatency(latencies);
  const sum = (f: (r: EpisodeRecord) => number) => ok.reduce((s, r) => s + f(r), 0);
  const calls = latencies.length;
  const proposed = sum((r) => r.acceptance.proposed_layers);
  const histogram: number[] = [];
  for (const r of ok) r.acceptance.accepted_histogram.forEach((n, j) => (histogram[j] = (histogram[j] ?? 0) + n));
  const k = calls === 0 ? 0 : Math.round(proposed / calls);
  const byLayer = Array.from({ length: k }, (_, l) => ratio(histogram.slice(l + 1).reduce((s, n) => s + (n ?? 0), 0), calls));
  const stage = (f: keyof EpisodeStageMs) => sum((r) => r.stage_ms[f] ?? 0) / calls;
  const withFeatures = ok.some((r) => r.stage_ms.features !== undefined);
  const ci = wilsonInterval(successes, ok.length);
  return {
    task_suite: ctx.suite,
    use_speculative_decoding: mode === 'rsd' || mode === 'jacobi',
    total_episodes: ok.length,
    total_successes: successes,
    final_success_rate: ok.length === 0 ? null : successes / ok.length,
    avg_inference_time_ms: latency?.mean ?? 0,
    rsd_stats: {
      draft_acceptance_rate: ratio(sum((r) => r.acceptance.fully_accepted), proposed),
      partial_acceptance_rate: ratio(sum((r) => r.acceptance.partially_accepted), proposed),
      full_rejection_rate: ratio(sum((r) => r.acceptance.rejected), proposed),
      mean_accepted_layers: ratio(sum((r) => r.acceptance.accepted_layers), calls),
    },
    task_results,
    total_errors: mine.length - ok.length,
    success_rate_ci95: [ci.low, ci.high],
    inference_time_ms: latency,
    stage_ms_mean:
      calls === 0
        ? null
        : { backbone: stage('backbone'), draft: stage('draft'), verify: stage('verify'), autoregressive: stage('autoregressive'), decode: stage('decode'), total: stage('total'), ...(withFeatures ? { features: stage('features') } : {}) },
    acceptance_by_layer: byLayer,
    policy_calls: calls,
    acceptance: mode === 'baseline' || mode === 'continuous' ? 'none' : ctx.acceptance,
    decoding_mode: mode,
    // the continuous head decodes no tokens: no passes or acceptance to describe
    decoding_stats: mode === 'continuous' ? null : buildDecodingStats(ok),
  };
}
