import type { EpisodeRecord, SourceCheckCounts } from './episode-record.ts';

/** Acceptance by layer of one proposal source: kept / checked, null where nothing was checked. Each [L]. */
export interface SourceAcceptanceStats {
  readonly token_rate: readonly (number | null)[];
  readonly layer_rate: readonly (number | null)[];
  readonly tokens_checked: readonly number[];
  readonly layers_checked: readonly number[];
}

/**
 * How one mode decoded over residual depth, over its finished episodes: why a call took the
 * passes it did (histograms), and whether the draft pays (acceptance of draft-proposed tokens
 * next to tokens proposed by main's own previous pass).
 */
export interface DecodingStats {
  readonly policy_calls: number;
  readonly mean_main_passes: number;
  /** pass_histogram[n] = calls that needed n main passes. */
  readonly pass_histogram: readonly number[];
  /** Mean layers decided per main pass, over all passes. */
  readonly mean_layers_per_pass: number;
  /** layers_decided_by_pass[i] = mean layers decided by the (i+1)-th pass of the calls that ran it. */
  readonly layers_decided_by_pass: readonly number[];
  readonly acceptance_by_source: { readonly draft: SourceAcceptanceStats; readonly main: SourceAcceptanceStats };
  /** max_rejections_histogram[r] = calls whose most-rejected position (c, h) was rejected r times. */
  readonly max_rejections_histogram: readonly number[];
}

function addInto(into: number[], v: readonly number[] | undefined): void {
  v?.forEach((x, i) => (into[i] = (into[i] ?? 0) + x));
}

/**
 * Aggregates the depth statistics of `records` (one mode's finished episodes). Returns null when
 * none of them carries the statistics (no calls, or records written before they existed).
 */
export function buildDecodingStats(records: readonly EpisodeRecord[]): DecodingStats | null {
  const withStats = records.filter((r) => r.acceptance.pass_histogram !== undefined);
  if (withStats.length === 0) return null;
  const passes: number[] = [];
  const decided: number[] = [];
  const rejections: number[] = [];
  const sums = { draft: emptySums(), main: emptySums() };
  for (const r of withStats) {
    const a = r.acceptance;
    addInto(passes, a.pass_histogram);
    addInto(decided, a.decided_by_pass);
    addInto(rejections, a.max_rejections_histogram);
    for (const s of ['draft', 'main'] as const) {
      const c = a.layer_checks?.[s];
      if (c === undefined) continue;
      addInto(sums[s].tokens_checked, c.tokens_checked);
      addInto(sums[s].tokens_kept, c.tokens_kept);
      addInto(sums[s].layers_checked, c.layers_checked);
      addInto(sums[s].layers_kept, c.layers_kept);
    }
  }
  const calls = passes.reduce((s, n) => s + n, 0);
  if (calls === 0) return null;
  const totalPasses = passes.reduce((s, n, i) => s + n * i, 0);
  // calls that ran their (i+1)-th pass: those that needed more than i passes
  const reaching = decided.map((_, i) => passes.slice(i + 1).reduce((s, n) => s + (n ?? 0), 0));
  const rate = (kept: number[], checked: number[]) => checked.map((c, l) => (c === 0 ? null : (kept[l] ?? 0) / c));
  const source = (s: Sums): SourceAcceptanceStats => ({
    token_rate: rate(s.tokens_kept, s.tokens_checked),
    layer_rate: rate(s.layers_kept, s.layers_checked),
    tokens_checked: [...s.tokens_checked],
    layers_checked: [...s.layers_checked],
  });
  return {
    policy_calls: calls,
    mean_main_passes: totalPasses / calls,
    pass_histogram: Array.from({ length: passes.length }, (_, i) => passes[i] ?? 0),
    mean_layers_per_pass: totalPasses === 0 ? 0 : decided.reduce((s, n) => s + n, 0) / totalPasses,
    layers_decided_by_pass: decided.map((n, i) => (reaching[i] === 0 ? 0 : n / reaching[i]!)),
    acceptance_by_source: { draft: source(sums.draft), main: source(sums.main) },
    max_rejections_histogram: Array.from({ length: rejections.length }, (_, i) => rejections[i] ?? 0),
  };
}

type Sums = { -readonly [K in keyof SourceCheckCounts]: number[] };

function emptySums(): Sums {
  return { tokens_checked: [], tokens_kept: [], layers_checked: [], layers_kept: [] };
}
