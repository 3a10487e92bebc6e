import type { EvalMode } from '../config/eval-config.ts';
import type { DecodingStats } from '../results/decoding-stats.ts';
import { pct as percent, type ReportInput } from './report-input.ts';

/** One table of a report: a header row and body rows of plain text cells. */
export interface Table {
  readonly title: string;
  readonly header: readonly string[];
  readonly rows: readonly (readonly string[])[];
}

const pct = (v: number | null | undefined) => percent(v ?? null);

/** The modes of the run that carry decoding statistics, in report order. */
export function depthModes(input: ReportInput): { mode: EvalMode; stats: DecodingStats }[] {
  const out: { mode: EvalMode; stats: DecodingStats }[] = [];
  for (const mode of ['baseline', 'rsd', 'jacobi'] as const) {
    const stats = input[mode]?.decoding_stats;
    if (stats !== null && stats !== undefined) out.push({ mode, stats });
  }
  return out;
}

/**
 * The "decoding over depth" tables of a report: main passes per call (histogram), layers decided
 * by each pass, and acceptance by layer with draft-proposed and main-proposed tokens apart.
 */
export function depthTables(input: ReportInput): Table[] {
  const modes = depthModes(input);
  if (modes.length === 0) return [];
  const L = Math.max(...modes.map((m) => m.stats.acceptance_by_source.main.tokens_checked.length), 1);
  const maxPasses = Math.max(...modes.map((m) => m.stats.pass_histogram.length - 1), 1);
  const passes: Table = {
    title: 'Main passes per policy call',
    header: ['mode', 'mean', ...Array.from({ length: maxPasses }, (_, i) => `${i + 1}`), 'layers per pass'],
    rows: modes.map(({ mode, stats }) => [
      mode,
      stats.mean_main_passes.toFixed(2),
      ...Array.from({ length: maxPasses }, (_, i) => pct((stats.pass_histogram[i + 1] ?? 0) / stats.policy_calls)),
      stats.mean_layers_per_pass.toFixed(2),
    ]),
  };
  const byPass: Table = {
    title: 'Layers decided by the n-th main pass (mean over calls that ran it)',
    header: ['mode', ...Array.from({ length: maxPasses }, (_, i) => `pass ${i + 1}`)],
    rows: modes.map(({ mode, stats }) => [mode, ...Array.from({ length: maxPasses }, (_, i) => (stats.layers_decided_by_pass[i] === undefined ? '–' : stats.layers_decided_by_pass[i]!.toFixed(2)))]),
  };
  const acceptance: Table = {
    title: 'Kept tokens by layer and proposer (whole layers kept in brackets)',
    header: ['mode', 'proposed by', ...Array.from({ length: L }, (_, l) => `layer ${l}`)],
    rows: modes
      .filter(({ mode }) => mode !== 'baseline')
      .flatMap(({ mode, stats }) =>
        (['draft', 'main'] as const)
          .filter((src) => stats.acceptance_by_source[src].tokens_checked.some((n) => n > 0))
          .map((src) => {
            const s = stats.acceptance_by_source[src];
            return [mode, src === 'draft' ? 'draft' : "main's previous pass", ...Array.from({ length: L }, (_, l) => (s.token_rate[l] === null || s.token_rate[l] === undefined ? '–' : `${pct(s.token_rate[l])} (${pct(s.layer_rate[l])})`))];
          }),
      ),
  };
  const rejections: Table = {
    title: 'Most rejections of a single position (c, h) per call',
    header: ['mode', ...Array.from({ length: Math.max(...modes.map((m) => m.stats.max_rejections_histogram.length), 1) }, (_, r) => `${r}`)],
    rows: modes
      .filter(({ mode }) => mode !== 'baseline')
      .map(({ mode, stats }) => [mode, ...stats.max_rejections_histogram.map((n) => pct(n / stats.policy_calls))]),
  };
  return [passes, byPass, acceptance, rejections].filter((t) => t.rows.length > 0);
}

/** A table as GitHub markdown. */
export function tableMarkdown(t: Table): string[] {
  return [`**${t.title}**`, '', `| ${t.header.join(' | ')} |`, `|${t.header.map(() => ' --- |').join('')}`, ...t.rows.map((r) => `| ${r.join(' | ')} |`), ''];
}
