import { describe, expect, test } from 'vitest';
import { StageProgress } from './stage-progress.ts';

describe('StageProgress', () => {
  test('piped: one line per unit with units done/total, samples/s and the stage ETA from this process', () => {
    const out: string[] = [];
    let t = 0;
    const p = new StageProgress({ write: (s) => out.push(s), isTTY: false }, { stage: 'policy', unitName: 'epoch', total: 4, done: 1 }, () => t);
    p.tick(1, 10, 100);
    t = 10_000;
    p.unit(5000, 'loss 1.0');
    expect(out).toEqual([
      '[train-default] policy resuming after 1/4 epochs\n',
      '[train-default] policy epoch 2/4 (10s, 500 samples/s, stage eta 20s) loss 1.0\n',
    ]);
  });

  test('TTY: a redrawn status line within a unit, replaced by the unit line', () => {
    const out: string[] = [];
    let t = 0;
    const p = new StageProgress({ write: (s) => out.push(s), isTTY: true }, { stage: 'demos', unitName: 'task', total: 2 }, () => t);
    t = 1000;
    p.tick(5, 10, 50);
    const clearLine = '\r\u001b[2K';
    expect(out[0]!.startsWith(clearLine)).toBe(true);
    expect(out[0]!.slice(clearLine.length)).toMatch(/^\[train-default\] demos task 1\/2 \[#{10}\.{10}\] 5\/10 50 samples\/s eta --$/);
    p.unit(0);
    expect(out[1]).toBe('\r\x1b[2K[train-default] demos task 1/2 (1s, stage eta 1s)\n');
  });
});
