import type { EvalResult } from './run-eval.ts';

/** The one-line machine summary `--json` prints (null where a mode did not run). */
export interface EvalSummary {
  readonly out_dir: string;
  readonly episodes_run: number;
  readonly episodes_skipped: number;
  readonly errors: number;
  readonly baseline_success_rate: number | null;
  readonly rsd_success_rate: number | null;
  readonly baseline_ms: number | null;
  readonly rsd_ms: number | null;
  readonly speedup: number | null;
  readonly draft_acceptance_rate: number | null;
  readonly jacobi_success_rate: number | null;
  readonly jacobi_ms: number | null;
  /** Baseline / Jacobi mean inference time. */
  readonly jacobi_speedup: number | null;
  /** The teacher's continuous head (`--mode …,continuous`). */
  readonly continuous_success_rate: number | null;
  readonly continuous_ms: number | null;
  /** Continuous − baseline success rate over their paired episodes (> 0: tokenization loses success). */
  readonly tokenization_cost: number | null;
}

export function evalSummary(result: EvalResult): EvalSummary {
  return {
    out_dir: result.outDir,
    episodes_run: result.ran,
    episodes_skipped: result.skipped,
    errors: result.errors,
    baseline_success_rate: result.baseline?.final_success_rate ?? null,
    rsd_success_rate: result.rsd?.final_success_rate ?? null,
    baseline_ms: result.baseline?.inference_time_ms?.mean ?? null,
    rsd_ms: result.rsd?.inference_time_ms?.mean ?? null,
    speedup: result.comparison.speedup,
    draft_acceptance_rate: result.rsd?.rsd_stats.draft_acceptance_rate ?? null,
    jacobi_success_rate: result.jacobi?.final_success_rate ?? null,
    jacobi_ms: result.jacobi?.inference_time_ms?.mean ?? null,
    jacobi_speedup: result.comparison.jacobi_vs_baseline?.speedup ?? null,
    continuous_success_rate: result.continuous?.final_success_rate ?? null,
    continuous_ms: result.continuous?.inference_time_ms?.mean ?? null,
    tokenization_cost: result.comparison.continuous_vs_baseline?.success_cost ?? null,
  };
}

/** The human summary printed at the end of a run. */
export function formatEvalSummary(s: EvalSummary): string {
  const pct = (v: number | null) => (v === null ? '–' : `${(100 * v).toFixed(1)}%`);
  return (
    `done: ${s.episodes_run} episodes run, ${s.episodes_skipped} kept from before, ${s.errors} errors\n` +
    `success: baseline ${pct(s.baseline_success_rate)}, rsd ${pct(s.rsd_success_rate)}; ` +
    `speedup ${s.speedup === null ? '–' : `${s.speedup.toFixed(2)}x`}, draft acceptance ${pct(s.draft_acceptance_rate)}\n` +
    (s.jacobi_success_rate === null && s.jacobi_ms === null
      ? ''
      : `jacobi (no draft): success ${pct(s.jacobi_success_rate)}, speedup ${s.jacobi_speedup === null ? '–' : `${s.jacobi_speedup.toFixed(2)}x`}\n`) +
    (s.continuous_success_rate === null && s.continuous_ms === null
      ? ''
      : `continuous (teacher head, no tokens): success ${pct(s.continuous_success_rate)}; tokenization cost ${s.tokenization_cost === null ? '–' : `${(100 * s.tokenization_cost).toFixed(1)} pp`} (continuous − baseline, paired)\n`) +
    `report: ${s.out_dir}/report.html`
  );
}
