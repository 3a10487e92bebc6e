import { LayerChecks } from '../decode/layer-checks.ts';
import type { CallStats } from './call-stats.ts';

/** Kept / checked per layer for one proposal source (NaN where nothing was checked). float [L] each. */
export interface SourceAcceptance {
  readonly tokenRate: number[];
  readonly layerRate: number[];
  readonly tokensChecked: number[];
  readonly layersChecked: number[];
}

/**
 * How decoding over depth went, over a set of calls (SPEC §1.3 statistics): the histograms say
 * why a call took as long as it did, the acceptance by source whether the draft is worth its pass.
 */
export interface DepthSummary {
  /** passHistogram[n] = calls whose batch needed n main passes (n = 0..L). */
  readonly passHistogram: number[];
  /** itemPassHistogram[n] = items (rows) that needed n main passes on their own. */
  readonly itemPassHistogram: number[];
  /** Mean layers decided per main pass, over every pass of every item. */
  readonly meanLayersPerPass: number;
  /** byPass[i] = mean layers decided by an item's (i+1)-th main pass, over items that ran it. */
  readonly layersDecidedByPass: number[];
  /** Acceptance by layer of draft-proposed tokens and of tokens proposed by main's previous pass. */
  readonly acceptanceBySource: { readonly draft: SourceAcceptance; readonly main: SourceAcceptance };
  /** maxPositionRejectionsHistogram[r] = items whose most-rejected position was rejected r times. */
  readonly maxPositionRejectionsHistogram: number[];
}

function bump(h: number[], i: number): void {
  while (h.length <= i) h.push(0);
  h[i]! += 1;
}

/** Summarises the depth statistics of `calls` (all of the same L). */
export function summarizeDepth(calls: readonly CallStats[], L: number): DepthSummary {
  const passHistogram = new Array<number>(L + 1).fill(0);
  const itemPassHistogram = new Array<number>(L + 1).fill(0);
  const byPassSum: number[] = [];
  const byPassCount: number[] = [];
  const rejections: number[] = [];
  const checks = new LayerChecks(L);
  let decided = 0;
  let passes = 0;
  for (const c of calls) {
    bump(passHistogram, c.mainPasses);
    for (const n of c.itemMainPasses) bump(itemPassHistogram, n);
    for (const perPass of c.layersDecidedPerPass) {
      perPass.forEach((n, i) => {
        byPassSum[i] = (byPassSum[i] ?? 0) + n;
        byPassCount[i] = (byPassCount[i] ?? 0) + 1;
        decided += n;
        passes++;
      });
    }
    for (const r of c.maxPositionRejections) bump(rejections, r);
    checks.merge(c.layerChecks);
  }
  const rate = (kept: number[], checked: number[]) => kept.map((k, l) => (checked[l] === 0 ? Number.NaN : k / checked[l]!));
  const source = (s: LayerChecks['draft']): SourceAcceptance => ({
    tokenRate: rate(s.tokensKept, s.tokensChecked),
    layerRate: rate(s.layersKept, s.layersChecked),
    tokensChecked: [...s.tokensChecked],
    layersChecked: [...s.layersChecked],
  });
  return {
    passHistogram,
    itemPassHistogram,
    meanLayersPerPass: passes === 0 ? 0 : decided / passes,
    layersDecidedByPass: byPassSum.map((s, i) => s / byPassCount[i]!),
    acceptanceBySource: { draft: source(checks.draft), main: source(checks.main) },
    maxPositionRejectionsHistogram: rejections,
  };
}
