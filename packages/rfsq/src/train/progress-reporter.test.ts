import { describe, expect, it } from 'vitest';
import { createProgressReporter } from './progress-reporter.ts';

function run(isTTY: boolean): string {
  let text = '';
  const p = createProgressReporter({ isTTY, write: (s: string) => (text += s) });
  for (let epoch = 0; epoch < 2; epoch++) {
    for (let step = 0; step < 3; step++) {
      p.step({ epoch, epochs: 2, step, stepsPerEpoch: 3, loss: 0.5, elapsedMs: 1000 * (epoch * 3 + step + 1), totalSteps: 6, doneSteps: epoch * 3 + step + 1 });
    }
    p.epoch({ epoch, epochs: 2, loss: 0.25, elapsedMs: 3000 * (epoch + 1), samplesPerSecond: 1234, etaMs: 3000 * (1 - epoch) });
  }
  p.done();
  return text;
}

describe('createProgressReporter', () => {
  it('prints exactly one line per epoch when piped', () => {
    expect(run(false).split('\n').filter((l) => l !== '')).toEqual([
      'epoch 1/2 loss 2.5000e-1 1234 samples/s ETA 3s',
      'epoch 2/2 loss 2.5000e-1 1234 samples/s ETA 0s',
    ]);
  });

  it('redraws a bar with loss and ETA on a TTY', () => {
    const text = run(true);
    expect(text).toContain('\r[####################....] epoch 2/2 step 2/3 loss 5.000e-1 ETA 1s');
    expect(text).toMatch(/epoch 2\/2 loss 2\.5000e-1/);
  });
});
