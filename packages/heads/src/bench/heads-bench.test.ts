import { describe, expect, it } from 'vitest';
import { benchHeads } from './heads-bench.ts';

describe('benchHeads', () => {
  it('reports per-batch latency statistics from the injected clock', async () => {
    let t = 0;
    const cfg = {
      F: 4,
      C: 1,
      H: 2,
      L: 3,
      K: 3,
      draftLayers: 1,
      mainWidth: 6,
      mainDepth: 2,
      draftWidth: 4,
      draftDepth: 1,
    };
    // every clock read advances 1 ms, so each measured run takes exactly 1 ms
    const r = await benchHeads(cfg, {
      batches: [1, 2],
      iterations: 5,
      warmup: 1,
      intraOpNumThreads: 1,
      now: () => t++,
    });
    expect(r.rows.map((x) => x.batch)).toEqual([1, 2]);
    for (const row of r.rows) {
      expect(row.draft).toEqual({ p50: 1, p95: 1, mean: 1 });
      expect(row.mainOverDraft).toBe(1);
    }
    expect(r.parameters).toEqual({ draft: 4 * 4 + 4 + 6 * 4 + 6, main: 6 * 4 + 6 + 6 * 18 + 6 * 6 + 6 + 18 * 6 + 18 });
  });
});
