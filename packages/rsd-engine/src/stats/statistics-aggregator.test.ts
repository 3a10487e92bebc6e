import { describe, expect, it } from 'vitest';
import { LayerChecks } from '../decode/layer-checks.ts';
import type { CallStats } from './call-stats.ts';
import { percentile } from './percentile.ts';
import { StatisticsAggregator } from './statistics-aggregator.ts';

function call(mode: 'baseline' | 'rsd', acceptedLayers: number[], k: number, totalMs: number): CallStats {
  const fully = acceptedLayers.reduce((a, b) => a + b, 0);
  return {
    mode,
    batch: acceptedLayers.length,
    draftLayers: k,
    acceptedLayers,
    fullyAccepted: fully,
    partiallyAccepted: acceptedLayers.filter((a) => a < k).length,
    rejected: 0,
    discardedLayers: 0,
    proposedLayers: k * acceptedLayers.length,
    acceptanceRate: k === 0 ? 0 : fully / (k * acceptedLayers.length),
    mainPasses: 4,
    itemMainPasses: acceptedLayers.map(() => 4),
    layersDecidedPerPass: acceptedLayers.map(() => [1, 3, 2, 2]),
    maxPositionRejections: acceptedLayers.map((a) => a),
    layerChecks: new LayerChecks(8),
    draftPasses: mode === 'rsd' ? 1 : 0,
    timings: { backboneMs: 0, draftMs: 1, verifyMs: 1, autoregressiveMs: 2, decodeMs: 0, totalMs, ortMs: 3, ortMainMs: 2 },
  };
}

describe('StatisticsAggregator', () => {
  it('sums counts and summarises timings', () => {
    const agg = new StatisticsAggregator();
    agg.add(call('rsd', [3, 1], 3, 10));
    agg.add(call('rsd', [0], 3, 20));
    agg.add(call('baseline', [0], 0, 30));
    const s = agg.summary();
    expect(s.calls).toBe(3);
    expect(s.items).toBe(4);
    expect(s.callsByMode).toEqual({ baseline: 1, rsd: 2, jacobi: 0 });
    expect(s.proposedLayers).toBe(9);
    expect(s.fullyAccepted).toBe(4);
    expect(s.acceptanceRate).toBeCloseTo(4 / 9);
    expect(s.meanAcceptedLayers).toBeCloseTo(4 / 3);
    expect(s.acceptanceByLayer).toEqual([2 / 3, 1 / 3, 1 / 3]);
    // the helper marks every item with a < k as partial: items [3, 1] and [0] → 2 of 3 partial, 1 fully accepted
    expect(s.partialAcceptanceRate).toBeCloseTo(2 / 3);
    expect(s.rejectionRate).toBe(0);
    expect(s.fullAcceptanceRate).toBeCloseTo(1 / 3);
    expect(s.timings.totalMs).toEqual({ sum: 60, mean: 20, p50: 20, p95: 29 });
    expect(s.mainPasses).toEqual({ sum: 12, meanPerCall: 4, meanPerItem: 4 });
    expect(s.depth.passHistogram).toEqual([0, 0, 0, 0, 3, 0, 0, 0, 0]);
    expect(s.depth.itemPassHistogram[4]).toBe(4);
    expect(s.depth.layersDecidedByPass).toEqual([1, 3, 2, 2]);
    expect(s.depth.meanLayersPerPass).toBe(2);
    expect(s.depth.maxPositionRejectionsHistogram).toEqual([2, 1, 0, 1]);
    agg.reset();
    expect(agg.summary().calls).toBe(0);
  });
});

describe('percentile', () => {
  it('interpolates between order statistics', () => {
    expect(percentile([5, 1, 3], 0.5)).toBe(3);
    expect(percentile([1, 2, 3, 4], 0.5)).toBe(2.5);
    expect(percentile([1, 2, 3, 4, 5], 0.95)).toBeCloseTo(4.8);
    expect(percentile([], 0.5)).toBeNaN();
    expect(() => percentile([1], 2)).toThrowError(RangeError);
  });
});

describe('LayerChecks', () => {
  it('counts tokens and whole layers per source and merges by adding', () => {
    const a = new LayerChecks(3);
    a.add('draft', 0, 4, 4);
    a.add('draft', 1, 4, 3);
    a.add('main', 2, 4, 0);
    const b = new LayerChecks(3);
    b.add('main', 2, 4, 4);
    a.merge(b);
    expect(a.draft).toEqual({ tokensChecked: [4, 4, 0], tokensKept: [4, 3, 0], layersChecked: [1, 1, 0], layersKept: [1, 0, 0] });
    expect(a.main).toEqual({ tokensChecked: [0, 0, 8], tokensKept: [0, 0, 4], layersChecked: [0, 0, 2], layersKept: [0, 0, 1] });
    expect(() => a.merge(new LayerChecks(2))).toThrowError(RangeError);
  });
});
