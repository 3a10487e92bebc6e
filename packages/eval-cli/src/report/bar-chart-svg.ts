/** One series of a grouped bar chart; `low`/`high` draw an interval whisker per bar. */
export interface BarSeries {
  readonly name: string;
  readonly colour: string;
  readonly values: readonly (number | null)[];
  readonly low?: readonly (number | null)[];
  readonly high?: readonly (number | null)[];
}

export interface BarChartSpec {
  readonly title: string;
  readonly categories: readonly string[];
  readonly series: readonly BarSeries[];
  /** Top of the y axis; default: the largest value or whisker, rounded up. */
  readonly yMax?: number;
  readonly yLabel?: string;
  readonly format?: (v: number) => string;
  /** A dashed horizontal line (e.g. speedup 1.0). */
  readonly reference?: number;
  readonly width?: number;
  readonly height?: number;
}

export function escapeXml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

function niceMax(v: number): number {
  if (!(v > 0)) return 1;
  const p = 10 ** Math.floor(Math.log10(v));
  for (const m of [1, 1.2, 1.5, 2, 2.5, 3, 4, 5, 6, 8, 10]) if (v <= m * p) return m * p;
  return 10 * p;
}

/** A grouped bar chart as a standalone inline `<svg>` (no scripts, no external assets). */
export function barChartSvg(spec: BarChartSpec): string {
  const W = spec.width ?? 720;
  const H = spec.height ?? 300;
  const m = { left: 56, right: 12, top: 34, bottom: 64 };
  const fmt = spec.format ?? ((v: number) => (Math.abs(v) >= 100 ? v.toFixed(0) : v.toFixed(2)));
  const all = spec.series.flatMap((s) => [...s.values, ...(s.high ?? [])]).filter((v): v is number => v !== null && Number.isFinite(v));
  const yMax = spec.yMax ?? niceMax(Math.max(spec.reference ?? 0, ...all, 0));
  const pw = W - m.left - m.right;
  const ph = H - m.top - m.bottom;
  const y = (v: number) => m.top + ph - (Math.min(Math.max(v, 0), yMax) / yMax) * ph;
  const out: string[] = [];
  out.push(`<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${W} ${H}" width="${W}" height="${H}" role="img" aria-label="${escapeXml(spec.title)}" font-family="sans-serif" font-size="11">`);
  out.push(`<text x="${W / 2}" y="18" text-anchor="middle" font-size="14" font-weight="bold">${escapeXml(spec.title)}</text>`);
  for (let i = 0; i <= 4; i++) {
    const v = (yMax * i) / 4;
    out.push(`<line x1="${m.left}" x2="${W - m.right}" y1="${y(v).toFixed(1)}" y2="${y(v).toFixed(1)}" stroke="#ddd"/>`);
    out.push(`<text x="${m.left - 6}" y="${(y(v) + 4).toFixed(1)}" text-anchor="end">${escapeXml(fmt(v))}</text>`);
  }
  if (spec.yLabel !== undefined) out.push(`<text transform="translate(14 ${m.top + ph / 2}) rotate(-90)" text-anchor="middle">${escapeXml(spec.yLabel)}</text>`);
  const n = Math.max(1, spec.categories.length);
  const group = pw / n;
  const bw = Math.max(2, (group * 0.8) / Math.max(1, spec.series.length));
  spec.categories.forEach((cat, ci) => {
    const gx = m.left + ci * group + group * 0.1;
    spec.series.forEach((s, si) => {
      const v = s.values[ci];
      const x = gx + si * bw;
      if (v !== null && v !== undefined && Number.isFinite(v)) {
        out.push(`<rect class="bar" x="${x.toFixed(1)}" y="${y(v).toFixed(1)}" width="${(bw - 1).toFixed(1)}" height="${(m.top + ph - y(v)).toFixed(1)}" fill="${s.colour}"><title>${escapeXml(`${s.name} · ${cat}: ${fmt(v)}`)}</title></rect>`);
      }
      const lo = s.low?.[ci];
      const hi = s.high?.[ci];
      if (lo !== null && lo !== undefined && hi !== null && hi !== undefined) {
        const cx = (x + bw / 2 - 0.5).toFixed(1);
        out.push(`<path d="M${cx} ${y(lo).toFixed(1)}V${y(hi).toFixed(1)}M${(x + bw / 4).toFixed(1)} ${y(lo).toFixed(1)}h${(bw / 2).toFixed(1)}M${(x + bw / 4).toFixed(1)} ${y(hi).toFixed(1)}h${(bw / 2).toFixed(1)}" stroke="#222" fill="none"/>`);
      }
    });
    const lx = m.left + ci * group + group / 2;
    out.push(`<text x="${lx.toFixed(1)}" y="${H - m.bottom + 14}" text-anchor="end" transform="rotate(-30 ${lx.toFixed(1)} ${H - m.bottom + 14})">${escapeXml(cat)}</text>`);
  });
  if (spec.reference !== undefined) {
    out.push(`<line x1="${m.left}" x2="${W - m.right}" y1="${y(spec.reference).toFixed(1)}" y2="${y(spec.reference).toFixed(1)}" stroke="#c00" stroke-dasharray="5 4"/>`);
  }
  out.push(`<line x1="${m.left}" x2="${m.left}" y1="${m.top}" y2="${m.top + ph}" stroke="#444"/><line x1="${m.left}" x2="${W - m.right}" y1="${m.top + ph}" y2="${m.top + ph}" stroke="#444"/>`);
  spec.series.forEach((s, si) => {
    const lx = m.left + 8 + si * 130;
    out.push(`<rect x="${lx}" y="${H - 16}" width="10" height="10" fill="${s.colour}"/><text x="${lx + 14}" y="${H - 7}">${escapeXml(s.name)}</text>`);
  });
  out.push('</svg>');
  return out.join('\n');
}

/**
 * Bins positive values into `bins` log-spaced bins over [min, max] (values outside go to the end
 * bins): counts and the lower edge of each bin as its label. Latencies are skewed, so equal
 * ratios per bin show their shape better than equal widths.
 */
export function logHistogram(values: readonly number[], bins: number, min: number, max: number): { counts: number[]; edges: number[] } {
  if (!(bins >= 1)) throw new RangeError(`bins must be >= 1, got ${bins}`);
  if (!(min > 0) || !(max >= min)) throw new RangeError(`need 0 < min <= max, got ${min}, ${max}`);
  const lo = Math.log(min);
  const span = Math.max(Math.log(max) - lo, 1e-9);
  const counts = new Array<number>(bins).fill(0);
  for (const v of values) {
    const b = v > 0 ? Math.floor(((Math.log(v) - lo) / span) * bins) : 0;
    counts[Math.min(bins - 1, Math.max(0, b))]! += 1;
  }
  const edges = counts.map((_, i) => Math.exp(lo + (span * i) / bins));
  return { counts, edges };
}
