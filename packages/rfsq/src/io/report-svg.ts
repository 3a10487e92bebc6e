import type { RfsqReport } from './rfsq-report.ts';

interface Panel {
  readonly title: string;
  readonly key: 'mse_by_layers' | 'residual_std_by_layer' | 'normalized_residual_std_by_layer' | 'code_perplexity_by_layer';
  readonly log: boolean;
  readonly xLabel: string;
}

const PANELS: readonly Panel[] = [
  { title: 'MSE using the first l layers (normalised units)', key: 'mse_by_layers', log: true, xLabel: 'layers used' },
  { title: 'residual std entering layer l (latent units)', key: 'residual_std_by_layer', log: true, xLabel: 'layer' },
  { title: 'normalised residual std (what the quantizer sees)', key: 'normalized_residual_std_by_layer', log: true, xLabel: 'layer' },
  { title: 'code perplexity of layer l', key: 'code_perplexity_by_layer', log: false, xLabel: 'layer' },
];

const COLORS = ['#1f77b4', '#d62728', '#2ca02c', '#9467bd'];
const W = 420;
const HGT = 260;
const M = { left: 64, right: 16, top: 34, bottom: 40 };

/** A self-contained SVG (no dependencies) with the report's four curves, one line per labelled report. */
export function renderReportSvg(series: readonly { label: string; report: RfsqReport }[]): string {
  const panels = PANELS.map((p, i) => `<g transform="translate(${(i % 2) * W},${Math.floor(i / 2) * HGT})">${panel(p, series)}</g>`);
  const legend = series
    .map((s, i) => `<g transform="translate(${16 + i * 160},${2 * HGT + 18})"><rect width="14" height="4" y="-6" fill="${COLORS[i % COLORS.length]}"/><text x="20" font-size="12">${escape(s.label)} (mse ${s.report.mse.toExponential(2)})</text></g>`)
    .join('');
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${2 * W}" height="${2 * HGT + 30}" font-family="sans-serif"><rect width="100%" height="100%" fill="white"/>${panels.join('')}${legend}</svg>\n`;
}

function panel(p: Panel, series: readonly { label: string; report: RfsqReport }[]): string {
  const ys = series.flatMap((s) => s.report[p.key]).filter((v) => Number.isFinite(v) && (!p.log || v > 0));
  const n = Math.max(...series.map((s) => s.report[p.key].length));
  const tf = (v: number) => (p.log ? Math.log10(Math.max(v, 1e-12)) : v);
  let lo = Math.min(...ys.map(tf));
  let hi = Math.max(...ys.map(tf));
  if (!p.log) lo = Math.min(lo, 0);
  if (hi - lo < 1e-9) {
    hi += 0.5;
    lo -= 0.5;
  }
  const pw = W - M.left - M.right;
  const ph = HGT - M.top - M.bottom;
  const x = (i: number) => M.left + (n <= 1 ? pw / 2 : (i * pw) / (n - 1));
  const y = (v: number) => M.top + ph - ((tf(v) - lo) / (hi - lo)) * ph;
  const ticks = [0, 0.5, 1].map((f) => lo + f * (hi - lo));
  const axis = [
    `<text x="${M.left}" y="18" font-size="12" font-weight="bold">${escape(p.title)}</text>`,
    `<line x1="${M.left}" y1="${M.top + ph}" x2="${M.left + pw}" y2="${M.top + ph}" stroke="#444"/>`,
    `<line x1="${M.left}" y1="${M.top}" x2="${M.left}" y2="${M.top + ph}" stroke="#444"/>`,
    ...ticks.map((t) => {
      const yy = M.top + ph - ((t - lo) / (hi - lo)) * ph;
      const label = p.log ? (10 ** t).toExponential(1) : t.toFixed(2);
      return `<text x="${M.left - 4}" y="${yy + 4}" font-size="10" text-anchor="end">${label}</text><line x1="${M.left}" y1="${yy}" x2="${M.left + pw}" y2="${yy}" stroke="#ddd"/>`;
    }),
    ...Array.from({ length: n }, (_, i) => `<text x="${x(i)}" y="${M.top + ph + 14}" font-size="10" text-anchor="middle">${p.key === 'mse_by_layers' ? i + 1 : i}</text>`),
    `<text x="${M.left + pw / 2}" y="${HGT - 8}" font-size="11" text-anchor="middle">${p.xLabel}</text>`,
  ];
  const lines = series.map((s, k) => {
    const pts = s.report[p.key].map((v, i) => `${x(i).toFixed(1)},${y(v).toFixed(1)}`).join(' ');
    return `<polyline fill="none" stroke="${COLORS[k % COLORS.length]}" stroke-width="2" points="${pts}"/>`;
  });
  return axis.join('') + lines.join('');
}

function escape(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}
