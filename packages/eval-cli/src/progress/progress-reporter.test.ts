import { describe, expect, it } from 'vitest';
import { fakeRecord } from '../testing/fake-record.ts';
import { ProgressReporter } from './progress-reporter.ts';

const totals = new Map([
  ['baseline', 4],
  ['rsd', 4],
] as const);

describe('ProgressReporter', () => {
  it('prints one line per episode when piped, with running success and ETA', () => {
    let out = '';
    let t = 0;
    const p = new ProgressReporter({ write: (s) => void (out += s), isTTY: false }, () => t);
    p.start(totals, [fakeRecord({ trial: 0, success: true })]);
    t = 10_000;
    p.episode(fakeRecord({ trial: 1, success: false }));
    t = 20_000;
    p.episode(fakeRecord({ mode: 'rsd', trial: 0, status: 'error', error: 'bridge died' }));
    p.finish();
    const lines = out.trim().split('\n');
    expect(lines[0]).toBe('resuming: 1 episodes already finished');
    expect(lines[1]).toMatch(/^\[baseline 2\/4\] task 0 trial 1: failure \(16 steps, 2 calls, 3\.00 ms\/call\) success so far 50% eta 1m00s$/);
    expect(lines[2]).toMatch(/^\[rsd 1\/4\] task 0 trial 0: ERROR bridge died/);
    expect(out).not.toContain('\x1b[');
  });

  it('redraws one bar per mode on a TTY', () => {
    let out = '';
    const p = new ProgressReporter({ write: (s) => void (out += s), isTTY: true }, () => 0);
    p.start(totals, []);
    p.episode(fakeRecord({ success: true }));
    p.finish();
    const last = out.slice(out.lastIndexOf('\r'));
    expect(last).toMatch(/baseline +\[#{8}\.{22}\] 1\/4 success 100%/);
    expect(last).toMatch(/rsd +\[\.{30}\] 0\/4/);
    expect(out).toContain('\x1b[1A');
  });

  it('writes log lines above the bars on a TTY and plainly when piped', () => {
    let tty = '';
    const p = new ProgressReporter({ write: (s) => void (tty += s), isTTY: true }, () => 0);
    p.start(totals, []);
    p.log('[worker 0] running on cpu');
    const esc = String.fromCharCode(27);
    expect(tty).toContain(`${esc}[1A\r${esc}[J[worker 0] running on cpu\n\r${esc}[2Kbaseline`);
    let piped = '';
    const q = new ProgressReporter({ write: (s) => void (piped += s), isTTY: false }, () => 0);
    q.start(totals, []);
    q.log('hello');
    expect(piped).toBe('hello\n');
  });
});
