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

/** Accumulates the depth statistics of calls one at a time (constant memory per call). */
export class DepthAccumulator {
  private readonly passHistogram: number[];
  private readonly itemPassHistogram: number[];
  private readonly byPassSum: number[] = [];
  private readonly byPassCount: number[] = [];
  private readonly rejections: number[] = [];
  private readonly checks: LayerChecks;
  private decided = 0;
  private passes = 0;

  constructor(readonly L: number) {
    this.passHistogram = new Array<number>(L + 1).fill(0);
    this.itemPassHistogram = new Array<number>(L + 1).fill(0);
    this.checks = new LayerChecks(L);
  }

  add(c: CallStats): void {
    bump(this.passHistogram, c.mainPasses);
    for (const n of c.itemMainPasses) bump(this.itemPassHistogram, n);
    for (const perPass of c.layersDecidedPerPass) {
      for (let i = 0; i < perPass.length; i++) {
        this.byPassSum[i] = (this.byPassSum[i] ?? 0) + perPass[i]!;
        this.byPassCount[i] = (this.byPassCount[i] ?? 0) + 1;
        this.decided += perPass[i]!;
        this.passes++;
      }
    }
    for (const r of c.maxPositionRejections) bump(this.rejections, r);
    this.checks.merge(c.layerChecks);
  }

  summary(): DepthSummary {
    const rate = (kept: number[], checked: number[]) => kept.map((k, l) => (checked[l] === 0 ? Number.NaN : k / checked[l]!));
    const source = (s: LayerChecks['draft']): SourceAcceptance => ({
      tokenRate: rate(s.tokensKept, s.tokensChecked),
      layerRate: rate(s.layersKept, s.layersChecked),
      tokensChecked: [...s.tokensChecked],
      layersChecked: [...s.layersChecked],
    });
    return {
      passHistogram: [...this.passHistogram],
      itemPassHistogram: [...this.itemPassHistogram],
      meanLayersPerPass: this.passes === 0 ? 0 : this.decided / this.passes,
      layersDecidedByPass: this.byPassSum.map((s, i) => s / this.byPassCount[i]!),
      acceptanceBySource: { draft: source(this.checks.draft), main: source(this.checks.main) },
      maxPositionRejectionsHistogram: [...this.rejections],
    };
  }
}

/** Summarises the depth statistics of `calls` (all of the same L). */
export function summarizeDepth(calls: readonly CallStats[], L: number): DepthSummary {
  const acc = new DepthAccumulator(L);
  for (const c of calls) acc.add(c);
  return acc.summary();
}
