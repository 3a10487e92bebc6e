import { STAGES, type CallStats, type Stage } from './call-stats.ts';
import { percentile } from './percentile.ts';
import { DepthAccumulator, type DepthSummary } from './depth-summary.ts';

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

/**
 * Collects {@link CallStats} and summarises them. Counts are kept as running sums and stage
 * times as plain number lists (for the percentiles), so an engine that decodes for hours does
 * not hold every call's statistics.
 */
export class StatisticsAggregator {
  private state = emptyState();

  add(stats: CallStats): void {
    const s = this.state;
    s.calls++;
    s.items += stats.batch;
    s.byMode[stats.mode]++;
    s.proposedLayers += stats.proposedLayers;
    s.fullyAccepted += stats.fullyAccepted;
    s.partiallyAccepted += stats.partiallyAccepted;
    s.rejected += stats.rejected;
    s.discardedLayers += stats.discardedLayers;
    s.mainPasses += stats.mainPasses;
    for (const n of stats.itemMainPasses) s.itemMainPasses += n;
    s.draftPasses += stats.draftPasses;
    for (const stage of STAGES) s.timings[stage].push(stats.timings[stage]);
    s.depth ??= new DepthAccumulator(stats.layerChecks.L); // one engine, one L: merge refuses another
    s.depth.add(stats);
    if (stats.mode !== 'rsd') return;
    const k = stats.draftLayers;
    s.rsdItems += stats.batch;
    s.rsdPartial += stats.partiallyAccepted;
    s.rsdRejected += stats.rejected;
    while (s.proposing.length < k) {
      s.proposing.push(0);
      s.acceptedAt.push(0);
    }
    for (let l = 0; l < k; l++) s.proposing[l]! += stats.batch;
    for (const a of stats.acceptedLayers) {
      for (let l = 0; l < a; l++) s.acceptedAt[l]!++;
      if (a === k) s.fullAcceptance++;
    }
  }

  reset(): void {
    this.state = emptyState();
  }

  summary(): EngineStatistics {
    const s = this.state;
    const timings = Object.fromEntries(
      STAGES.map((stage) => {
        const v = s.timings[stage];
        const total = v.reduce((a, b) => a + b, 0);
        return [stage, { sum: total, mean: v.length === 0 ? Number.NaN : total / v.length, p50: percentile(v, 0.5), p95: percentile(v, 0.95) }];
      }),
    ) as Record<Stage, StageSummary>;
    const perRsdItem = (x: number) => (s.rsdItems === 0 ? 0 : x / s.rsdItems);
    return {
      calls: s.calls,
      items: s.items,
      callsByMode: { ...s.byMode },
      proposedLayers: s.proposedLayers,
      fullyAccepted: s.fullyAccepted,
      partiallyAccepted: s.partiallyAccepted,
      rejected: s.rejected,
      discardedLayers: s.discardedLayers,
      acceptanceRate: s.proposedLayers === 0 ? 0 : s.fullyAccepted / s.proposedLayers,
      meanAcceptedLayers: perRsdItem(s.fullyAccepted),
      partialAcceptanceRate: perRsdItem(s.rsdPartial),
      rejectionRate: perRsdItem(s.rsdRejected),
      fullAcceptanceRate: perRsdItem(s.fullAcceptance),
      acceptanceByLayer: s.proposing.map((n, l) => (n === 0 ? 0 : s.acceptedAt[l]! / n)),
      mainPasses: {
        sum: s.mainPasses,
        meanPerCall: s.calls === 0 ? 0 : s.mainPasses / s.calls,
        meanPerItem: s.items === 0 ? 0 : s.itemMainPasses / s.items,
      },
      depth: (s.depth ?? new DepthAccumulator(0)).summary(),
      draftPasses: s.draftPasses,
      timings,
    };
  }
}

interface AggregatorState {
  calls: number;
  items: number;
  byMode: { baseline: number; rsd: number; jacobi: number };
  proposedLayers: number;
  fullyAccepted: number;
  partiallyAccepted: number;
  rejected: number;
  discardedLayers: number;
  mainPasses: number;
  itemMainPasses: number;
  draftPasses: number;
  rsdItems: number;
  rsdPartial: number;
  rsdRejected: number;
  fullAcceptance: number;
  /** Per draft layer l: rsd items that proposed it, and those whose layers 0..l were all accepted. */
  proposing: number[];
  acceptedAt: number[];
  timings: Record<Stage, number[]>;
  depth: DepthAccumulator | undefined;
}

function emptyState(): AggregatorState {
  return {
    calls: 0,
    items: 0,
    byMode: { baseline: 0, rsd: 0, jacobi: 0 },
    proposedLayers: 0,
    fullyAccepted: 0,
    partiallyAccepted: 0,
    rejected: 0,
    discardedLayers: 0,
    mainPasses: 0,
    itemMainPasses: 0,
    draftPasses: 0,
    rsdItems: 0,
    rsdPartial: 0,
    rsdRejected: 0,
    fullAcceptance: 0,
    proposing: [],
    acceptedAt: [],
    timings: Object.fromEntries(STAGES.map((stage) => [stage, [] as number[]])) as Record<Stage, number[]>,
    depth: undefined,
  };
}
