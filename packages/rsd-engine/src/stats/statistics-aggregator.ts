import { STAGES, type CallStats, type Stage } from './call-stats.ts';
import { percentile } from './percentile.ts';
import { summarizeDepth, type DepthSummary } from './depth-summary.ts';

/** Sum, mean, p50 and p95 (ms) of one stage over calls. */
export interface StageSummary {
  readonly sum: number;
  readonly mean: number;
  readonly p50: number;
  readonly p95: number;
}

/** Statistics aggregated over the calls since the last reset. */
export interface EngineStatistics {
  readonly calls: number;
  readonly items: number;
  /** Calls per mode. */
  readonly callsByMode: { readonly baseline: number; readonly rsd: number; readonly jacobi: number };
  readonly proposedLayers: number;
  readonly fullyAccepted: number;
  readonly partiallyAccepted: number;
  readonly rejected: number;
  readonly discardedLayers: number;
  /** fullyAccepted / proposedLayers over rsd calls (0 when none). */
  readonly acceptanceRate: number;
  /** Mean fully accepted layers per rsd item. */
  readonly meanAcceptedLayers: number;
  /** Fraction of rsd items whose proposal ended at a partially accepted layer (results.json `partial_acceptance_rate`). */
  readonly partialAcceptanceRate: number;
  /** Fraction of rsd items whose proposal ended at a layer with no position accepted (results.json `full_rejection_rate`). */
  readonly rejectionRate: number;
  /** Fraction of rsd items whose k proposed layers were all accepted. */
  readonly fullAcceptanceRate: number;
  /** Per layer l: the fraction of rsd items proposing layer l whose layers 0..l were all accepted. */
  readonly acceptanceByLayer: number[];
  readonly mainPasses: { readonly sum: number; readonly meanPerCall: number; readonly meanPerItem: number };
  /** Passes, layers decided per pass, acceptance by layer and source, position rejections (all calls). */
  readonly depth: DepthSummary;
  readonly draftPasses: number;
  /** Wall time of each stage per call. */
  readonly timings: Readonly<Record<Stage, StageSummary>>;
}

/** Collects {@link CallStats} and summarises them. */
export class StatisticsAggregator {
  private calls: CallStats[] = [];

  add(stats: CallStats): void {
    this.calls.push(stats);
  }

  reset(): void {
    this.calls = [];
  }

  summary(): EngineStatistics {
    const calls = this.calls;
    const rsd = calls.filter((c) => c.mode === 'rsd');
    const sum = (f: (c: CallStats) => number, list = calls) => list.reduce((s, c) => s + f(c), 0);
    const proposedLayers = sum((c) => c.proposedLayers);
    const fullyAccepted = sum((c) => c.fullyAccepted);
    const rsdItems = sum((c) => c.batch, rsd);
    const maxK = rsd.reduce((m, c) => Math.max(m, c.draftLayers), 0);
    const acceptanceByLayer = Array.from({ length: maxK }, (_, l) => {
      let proposing = 0;
      let accepted = 0;
      for (const c of rsd) {
        if (c.draftLayers <= l) continue;
        proposing += c.batch;
        accepted += c.acceptedLayers.filter((a) => a > l).length;
      }
      return proposing === 0 ? 0 : accepted / proposing;
    });
    const timings = Object.fromEntries(
      STAGES.map((s) => {
        const v = calls.map((c) => c.timings[s]);
        const total = v.reduce((a, b) => a + b, 0);
        return [s, { sum: total, mean: v.length === 0 ? Number.NaN : total / v.length, p50: percentile(v, 0.5), p95: percentile(v, 0.95) }];
      }),
    ) as Record<Stage, StageSummary>;
    const mainSum = sum((c) => c.mainPasses);
    const items = sum((c) => c.batch);
    return {
      calls: calls.length,
      items,
      callsByMode: { baseline: calls.filter((c) => c.mode === 'baseline').length, rsd: rsd.length, jacobi: calls.filter((c) => c.mode === 'jacobi').length },
      proposedLayers,
      fullyAccepted,
      partiallyAccepted: sum((c) => c.partiallyAccepted),
      rejected: sum((c) => c.rejected),
      discardedLayers: sum((c) => c.discardedLayers),
      acceptanceRate: proposedLayers === 0 ? 0 : fullyAccepted / proposedLayers,
      meanAcceptedLayers: rsdItems === 0 ? 0 : fullyAccepted / rsdItems,
      partialAcceptanceRate: rsdItems === 0 ? 0 : sum((c) => c.partiallyAccepted, rsd) / rsdItems,
      rejectionRate: rsdItems === 0 ? 0 : sum((c) => c.rejected, rsd) / rsdItems,
      fullAcceptanceRate: rsdItems === 0 ? 0 : sum((c) => c.acceptedLayers.filter((a) => a === c.draftLayers).length, rsd) / rsdItems,
      acceptanceByLayer,
      mainPasses: {
        sum: mainSum,
        meanPerCall: calls.length === 0 ? 0 : mainSum / calls.length,
        meanPerItem: items === 0 ? 0 : sum((c) => c.itemMainPasses.reduce((a, b) => a + b, 0)) / items,
      },
      depth: summarizeDepth(calls, calls[0]?.layerChecks.L ?? 0),
      draftPasses: sum((c) => c.draftPasses),
      timings,
    };
  }
}
