import { mkdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { renderReportSvg } from '../io/report-svg.ts';
import type { RfsqReport } from '../io/rfsq-report.ts';
import type { TrainRfsqDeps } from '../train/train-rfsq.ts';
import { trainRfsq } from '../train/train-rfsq.ts';
import type { TrainRfsqOptions } from '../train/train-options.ts';
import { runGenerateDemos } from './generate-demos-command.ts';
import { parseTrainArgs } from './train-command.ts';

export const COMPARE_HELP = `rfsq compare — train robust and naive RFSQ on the same data and compare them

Usage: npx nx run rfsq:compare --out <dir> [--data <path>...] [train flags]

Without --data, writes 60 generated reach-and-grasp demos (seed = --seed) to
<out>/data/generated.hdf5 and trains on them. Writes <out>/robust/, <out>/naive/ (full train
outputs), <out>/compare.json and <out>/compare.svg. Accepts every 'rfsq train' flag except
--variant; prints the summary (JSON with --json: everything).
`;

export interface CompareSummary {
  readonly mse_robust: number;
  readonly mse_naive: number;
  /** 1 − mse_robust / mse_naive. */
  readonly mse_reduction: number;
  readonly robust_normalized_residual_std_by_layer: number[];
  readonly naive_normalized_residual_std_by_layer: number[];
  readonly robust_residual_std_by_layer: number[];
  readonly naive_residual_std_by_layer: number[];
  readonly robust_code_perplexity_by_layer: number[];
  readonly naive_code_perplexity_by_layer: number[];
  /** The bar: reduction ≥ 40 % and every robust layer's normalised residual std in [0.5, 2]. */
  readonly meets_target: boolean;
}

export function parseCompareArgs(argv: readonly string[]) {
  return parseTrainArgs(argv);
}

/** Trains both variants with the same data, seed and flags; writes both outputs and the comparison. */
export async function runCompare(
  options: TrainRfsqOptions,
  deps: TrainRfsqDeps,
): Promise<{ summary: CompareSummary; robust: RfsqReport; naive: RfsqReport; data: readonly string[] }> {
  if (options.out === '') throw new RangeError('--out is required');
  const out = resolve(options.out);
  let data = options.data;
  if (data.length === 0) {
    const gen = await runGenerateDemos({ out: join(out, 'data', 'generated.hdf5'), episodes: 60, seed: options.seed });
    deps.log(`[rfsq] generated ${gen.episodes} demos (${gen.steps} steps) → ${gen.file}`);
    data = [gen.file];
  }
  const reports: Record<'robust' | 'naive', RfsqReport> = {} as Record<'robust' | 'naive', RfsqReport>;
  for (const variant of ['robust', 'naive'] as const) {
    deps.log(`[rfsq] training ${variant}`);
    const r = await trainRfsq({ ...options, data, variant, out: join(out, variant) }, deps);
    reports[variant] = r.report;
  }
  const { robust, naive } = reports;
  const summary: CompareSummary = {
    mse_robust: robust.mse,
    mse_naive: naive.mse,
    mse_reduction: 1 - robust.mse / naive.mse,
    robust_normalized_residual_std_by_layer: robust.normalized_residual_std_by_layer,
    naive_normalized_residual_std_by_layer: naive.normalized_residual_std_by_layer,
    robust_residual_std_by_layer: robust.residual_std_by_layer,
    naive_residual_std_by_layer: naive.residual_std_by_layer,
    robust_code_perplexity_by_layer: robust.code_perplexity_by_layer,
    naive_code_perplexity_by_layer: naive.code_perplexity_by_layer,
    meets_target: 1 - robust.mse / naive.mse >= 0.4 && robust.normalized_residual_std_by_layer.every((s) => s >= 0.5 && s <= 2),
  };
  mkdirSync(out, { recursive: true });
  writeFileSync(join(out, 'compare.json'), JSON.stringify({ summary, data, robust, naive }, null, 2) + '\n');
  writeFileSync(join(out, 'compare.svg'), renderReportSvg([{ label: 'robust', report: robust }, { label: 'naive', report: naive }]));
  return { summary, robust, naive, data };
}
