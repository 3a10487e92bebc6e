import type { ModeResults } from '../results/mode-results.ts';
import { barChartSvg, escapeXml, logHistogram } from './bar-chart-svg.ts';
import { depthModes, depthTables, type Table } from './depth-tables.ts';
import { ms, pct, times, tokenizationCostLine, type ReportInput } from './report-input.ts';
import { rolloutGalleryHtml } from './rollout-gallery.ts';
import { featureStageLine } from './feature-stage.ts';

const BASE = '#4e79a7';
const RSD = '#f28e2b';
const JACOBI = '#76b7b2';
const CONTINUOUS = '#b07aa1';
const COLOURS = { baseline: BASE, rsd: RSD, jacobi: JACOBI, continuous: CONTINUOUS } as const;

function tableHtml(t: Table): string {
  const e = escapeXml;
  return `<p><b>${e(t.title)}</b></p><table><tr>${t.header.map((h) => `<th>${e(h)}</th>`).join('')}</tr>\n${t.rows.map((r) => `<tr>${r.map((c) => `<td>${e(c)}</td>`).join('')}</tr>`).join('\n')}</table>`;
}

function charts(input: ReportInput): string[] {
  const { baseline, rsd, jacobi, comparison: c } = input;
  const modes = [
    ['baseline', baseline, BASE],
    ['rsd', rsd, RSD],
    ['jacobi', jacobi, JACOBI],
    ['continuous', input.continuous ?? null, CONTINUOUS],
  ].filter((x): x is [string, ModeResults, string] => x[1] !== null);
  const out: string[] = [];
  const tasks = modes[0]?.[1].task_results ?? [];
  out.push(
    barChartSvg({
      title: 'Success rate per task (Wilson 95 % interval)',
      categories: [...tasks.map((t) => `task ${t.task_id}`), 'overall'],
      series: modes.map(([name, m, colour]) => ({
        name,
        colour,
        values: [...m.task_results.map((t) => (t.episodes === 0 ? null : t.success_rate)), m.total_episodes === 0 ? null : m.final_success_rate],
        low: [...m.task_results.map((t) => t.success_rate_ci95[0]), m.success_rate_ci95[0]],
        high: [...m.task_results.map((t) => t.success_rate_ci95[1]), m.success_rate_ci95[1]],
      })),
      yMax: 1,
      yLabel: 'success rate',
      format: (v) => `${Math.round(v * 100)}%`,
    }),
  );
  const latencies = modes.map(([name, , colour]) => [name, input.records.filter((r) => r.mode === name && r.status === 'ok').flatMap((r) => r.inference_ms), colour] as const);
  const all = latencies.flatMap(([, v]) => v).filter((v) => v > 0);
  if (all.length > 0) {
    const sorted = [...all].sort((a, b) => a - b);
    const lo = sorted[0]!;
    const hi = Math.max(lo * 1.01, sorted[sorted.length - 1]!);
    const hs = latencies.map(([name, v, colour]) => ({ name, colour, h: logHistogram(v, 20, lo, hi) }));
    const label = (ms: number) => (ms >= 10 ? `${ms.toFixed(0)} ms` : `${ms.toFixed(1)} ms`);
    out.push(
      barChartSvg({
        title: 'Inference time per policy call (share of calls, log-spaced bins)',
        categories: hs[0]!.h.edges.map(label),
        series: hs.map(({ name, colour, h }) => {
          const n = h.counts.reduce((s, x) => s + x, 0);
          return { name, colour, values: h.counts.map((x) => (n === 0 ? 0 : x / n)) };
        }),
        yLabel: 'share of calls',
        format: (v) => `${Math.round(v * 100)}%`,
      }),
    );
  }
  if (c.acceptance_stats !== null && c.acceptance_stats.acceptance_by_layer.length > 0) {
    out.push(
      barChartSvg({
        title: 'Draft acceptance by residual layer',
        categories: c.acceptance_stats.acceptance_by_layer.map((_, l) => `layer ${l}`),
        series: [{ name: 'rsd', colour: RSD, values: c.acceptance_stats.acceptance_by_layer }],
        yMax: 1,
        yLabel: 'calls accepting the layer',
        format: (v) => `${Math.round(v * 100)}%`,
        width: 480,
      }),
    );
  }
  const depth = depthModes(input).filter(({ mode }) => mode !== 'baseline');
  if (depth.length > 0) {
    const maxPasses = Math.max(...depth.map((d) => d.stats.pass_histogram.length - 1), 1);
    out.push(
      barChartSvg({
        title: 'Main passes per policy call (baseline always needs L)',
        categories: Array.from({ length: maxPasses }, (_, i) => `${i + 1}`),
        series: depth.map(({ mode, stats }) => ({ name: mode, colour: COLOURS[mode], values: Array.from({ length: maxPasses }, (_, i) => (stats.pass_histogram[i + 1] ?? 0) / stats.policy_calls) })),
        yMax: 1,
        yLabel: 'share of calls',
        format: (v) => `${Math.round(v * 100)}%`,
        width: 480,
      }),
    );
  }
  if (c.speedup !== null) {
    const s = c.speedup_by_stage;
    out.push(
      barChartSvg({
        title: 'Speedup of RSD over baseline (baseline time / RSD time)',
        categories: ['overall mean', 'p50', 'p95', 'backbone', 'decoding', 'RFSQ decode', 'engine total'],
        series: [{ name: 'speedup', colour: '#59a14f', values: [c.speedup, c.speedup_p50, c.speedup_p95, s.backbone, s.decoding, s.decode, s.total] }],
        reference: 1,
        yLabel: '×',
        format: (v) => `${v.toFixed(2)}×`,
        width: 560,
      }),
    );
  }
  return out;
}

/** `report.html`: one self-contained page (inline CSS and SVG, no scripts, no external assets). */
export function reportHtml(input: ReportInput): string {
  const { identity: id, baseline, rsd, jacobi, comparison: c } = input;
  const continuous = input.continuous ?? null;
  const ranJacobi = id.modes.includes('jacobi');
  const ranContinuous = id.modes.includes('continuous');
  const tokenizationLine = tokenizationCostLine(input);
  const e = escapeXml;
  const row = (name: string, m: ModeResults | null) =>
    m === null
      ? `<tr><td>${name}</td><td colspan="6">not run</td></tr>`
      : `<tr><td>${name}</td><td>${pct(m.final_success_rate)} <small>[${pct(m.success_rate_ci95[0])}, ${pct(m.success_rate_ci95[1])}]</small></td><td>${m.total_successes}/${m.total_episodes}</td><td>${m.total_errors}</td><td>${ms(m.inference_time_ms?.mean)}</td><td>${ms(m.inference_time_ms?.p50)}</td><td>${ms(m.inference_time_ms?.p95)}</td></tr>`;
  const tasks = (baseline ?? rsd ?? jacobi ?? continuous)?.task_results ?? [];
  const jb = c.jacobi_vs_baseline;
  const rj = c.rsd_vs_jacobi;
  const depth = depthTables(input);
  const cell = (m: ModeResults | null, i: number) => {
    const r = m?.task_results[i];
    return r === undefined ? '<td>–</td>' : `<td>${pct(r.success_rate)} <small>${r.successes}/${r.episodes}${r.errors > 0 ? `, ${r.errors} errors` : ''}</small></td>`;
  };
  const errors = input.records.filter((r) => r.status === 'error');
  const featureLine = featureStageLine(input);
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>RSD evaluation: ${e(id.suite)}</title>
<style>
body{font-family:system-ui,sans-serif;margin:24px auto;max-width:1100px;color:#222}
table{border-collapse:collapse;margin:8px 0 20px}td,th{border:1px solid #ccc;padding:4px 8px;text-align:left}th{background:#f3f3f3}
small{color:#666}.rollouts{display:flex;flex-wrap:wrap;gap:12px}.rollout{margin:0}.rollout img{display:block;width:256px;image-rendering:pixelated}.rollout figcaption{font-size:13px}.success{color:#1a7f37}.failure{color:#c62828}.charts{display:flex;flex-wrap:wrap;gap:16px}.charts svg{border:1px solid #eee;background:#fff}code{background:#f5f5f5;padding:0 3px}
</style></head><body>
<h1>RSD evaluation: ${e(id.suite)}</h1>
<p>Started ${e(input.startedAt)} · env <code>${e(input.env)}</code> · bundle <code>${e(input.bundleName ?? '')}</code> (<code>${e(input.bundleDir)}</code>) · acceptance <code>${e(id.acceptance)}</code> · ${id.trials} trials × ${id.tasks.length} tasks · seed ${id.seed} · max steps ${id.maxSteps} · wait ${id.waitSteps} · execute ${id.executeSteps} · ensemble <code>${e(id.ensemble ?? 'none')}</code>${id.initStates === 'validation' ? ' · <strong>validation initial states</strong> (not the evaluation states)' : ''}</p>
${(input.notes ?? []).map((n) => `<p class="note">${e(n)}</p>`).join('\n')}
<h2>Overall</h2>
<table><tr><th>mode</th><th>success rate [Wilson 95 %]</th><th>successes</th><th>errors</th><th>mean</th><th>p50</th><th>p95</th></tr>
${row('baseline', baseline)}
${row('rsd', rsd)}${ranJacobi ? `\n${row('jacobi', jacobi)}` : ''}${ranContinuous ? `\n${row('continuous', continuous)}` : ''}</table>${featureLine === undefined ? '' : `\n<p class="features">${e(featureLine)}</p>`}${tokenizationLine === undefined ? '' : `\n<p class="tokenization">${e(tokenizationLine)}</p>`}
<p>Speedup (mean): <b>${times(c.speedup)}</b> · p50 ${times(c.speedup_p50)} · p95 ${times(c.speedup_p95)} · decoding stages ${times(c.speedup_by_stage.decoding)}${
    c.acceptance_stats === null
      ? ''
      : ` · draft layers accepted ${pct(c.acceptance_stats.draft_acceptance_rate)} (partial ${pct(c.acceptance_stats.partial_acceptance_rate)}, rejected ${pct(c.acceptance_stats.full_rejection_rate)}), ${c.acceptance_stats.mean_accepted_layers.toFixed(2)} layers per call`
  }</p>
<p>Paired episodes: ${c.paired.episodes} · both succeeded ${c.paired.both_success} · only baseline ${c.paired.only_baseline} · only RSD ${c.paired.only_rsd} · neither ${c.paired.neither} · identical tokens ${c.paired.identical_tokens}</p>${
    jb === null
      ? ''
      : `\n<p>Jacobi (no draft) vs baseline: <b>${times(jb.speedup)}</b> · decoding stages ${times(jb.speedup_by_stage.decoding)} · paired ${jb.paired.episodes}, identical tokens ${jb.paired.identical_tokens}${rj === null ? '' : ` · RSD vs Jacobi (what the draft adds): <b>${times(rj.speedup)}</b>`}</p>`
  }
${rolloutGalleryHtml(input.records, input.readVideo ?? (() => undefined))}
${depth.length === 0 ? '' : `<h2>Decoding over residual depth</h2>\n<p>Each main pass verifies the current proposal of every undecided layer; after the first rejected layer, main's own outputs of that pass become the proposal for the deeper layers (Jacobi over depth).</p>\n${depth.map(tableHtml).join('\n')}`}
<h2>Charts</h2>
<div class="charts">
${charts(input).join('\n')}
</div>
<h2>Per task</h2>
<table><tr><th>task</th><th>instruction</th><th>baseline</th><th>rsd</th>${ranJacobi ? '<th>jacobi</th>' : ''}${ranContinuous ? '<th>continuous</th>' : ''}</tr>
${tasks.map((t, i) => `<tr><td>${t.task_id}</td><td>${e(t.task_description)}</td>${cell(baseline, i)}${cell(rsd, i)}${ranJacobi ? cell(jacobi, i) : ''}${ranContinuous ? cell(continuous, i) : ''}</tr>`).join('\n')}
</table>
${errors.length === 0 ? '<p>No episode ended in an infrastructure error.</p>' : `<h2>Errors (${errors.length})</h2><ul>${errors.slice(0, 50).map((x) => `<li>${x.mode} task ${x.task_id} trial ${x.trial}: <code>${e(x.error_code ?? '')}</code> ${e(x.error ?? '')}</li>`).join('')}</ul>`}
</body></html>
`;
}
