import { describe, expect, it } from 'vitest';
import { DynamicBatcher, type RowOutcome } from '../src/index.ts';

/** A batcher over a fake engine that records the batches it was given. */
function recording(options: { enabled: boolean; maxRows: number; gatherMs: number; maxQueue: number }, idle = () => 0) {
  const batches: string[][] = [];
  const run = async (rows: readonly string[]): Promise<RowOutcome<string>[]> => {
    batches.push([...rows]);
    await new Promise((r) => setTimeout(r, 1));
    return rows.map((r) => (r.startsWith('bad') ? { ok: false, error: new Error(r) } : { ok: true, value: r.toUpperCase() }));
  };
  return { batches, batcher: new DynamicBatcher<string, string>(run, options, idle) };
}

describe('DynamicBatcher', () => {
  it('gathers rows that arrive together, never mixes groups, respects max rows, keeps order', async () => {
    const { batches, batcher } = recording({ enabled: true, maxRows: 3, gatherMs: 0, maxQueue: 100 });
    const rows = ['a1', 'a2', 'f1', 'a3', 'a4', 'f2'];
    const done = await Promise.all(rows.map((r) => batcher.submit(r, r[0]!, () => false)));
    expect(batches).toEqual([['a1', 'a2', 'a3'], ['f1', 'f2'], ['a4']]);
    expect(done.map((d) => (d.outcome.ok ? d.outcome.value : ''))).toEqual(['A1', 'A2', 'F1', 'A3', 'A4', 'F2']);
    expect(done.map((d) => d.batchRows)).toEqual([3, 3, 2, 3, 1, 2]);
  });

  it('off: one row per call, in arrival order', async () => {
    const { batches, batcher } = recording({ enabled: false, maxRows: 16, gatherMs: 5, maxQueue: 100 });
    await Promise.all(['a', 'b', 'c'].map((r) => batcher.submit(r, 'g', () => false)));
    expect(batches).toEqual([['a'], ['b'], ['c']]);
  });

  it('a row’s error reaches only that row; cancelled rows are never run', async () => {
    const { batches, batcher } = recording({ enabled: true, maxRows: 8, gatherMs: 0, maxQueue: 100 });
    const [ok, bad, gone] = await Promise.all([batcher.submit('x', 'g', () => false), batcher.submit('bad-row', 'g', () => false), batcher.submit('y', 'g', () => true)]);
    expect(ok.outcome).toEqual({ ok: true, value: 'X' });
    expect(bad.outcome.ok).toBe(false);
    expect(gone.outcome).toMatchObject({ ok: false, error: { message: 'the client went away' } });
    expect(batches).toEqual([['x', 'bad-row']]);
  });

  it('waits at most gatherMs for idle clients, then runs what it has', async () => {
    const { batches, batcher } = recording({ enabled: true, maxRows: 8, gatherMs: 20, maxQueue: 100 }, () => 1);
    const d = await batcher.submit('only', 'g', () => false);
    expect(d.outcome.ok).toBe(true);
    expect(batches).toEqual([['only']]);
  });
});
