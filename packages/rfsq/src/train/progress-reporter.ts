/** Where training progress goes. */
export interface ProgressSink {
  /** Called after every step. */
  step(info: { epoch: number; epochs: number; step: number; stepsPerEpoch: number; loss: number; elapsedMs: number; totalSteps: number; doneSteps: number }): void;
  /** Called after every epoch. */
  epoch(info: { epoch: number; epochs: number; loss: number; elapsedMs: number; samplesPerSecond: number; etaMs: number }): void;
  /** Ends the progress display. */
  done(): void;
}

/**
 * On a TTY: one redrawn line with a bar, loss and ETA. Otherwise (piped): one line per epoch.
 */
export function createProgressReporter(stream: { isTTY?: boolean; write(s: string): unknown }): ProgressSink {
  const tty = stream.isTTY === true;
  let lastDraw = -Infinity;
  return {
    step(i) {
      if (!tty || i.elapsedMs - lastDraw < 100) return;
      lastDraw = i.elapsedMs;
      const frac = i.doneSteps / i.totalSteps;
      const width = 24;
      const filled = Math.round(frac * width);
      const eta = frac > 0 ? (i.elapsedMs / frac - i.elapsedMs) / 1000 : NaN;
      stream.write(
        `\r[${'#'.repeat(filled)}${'.'.repeat(width - filled)}] epoch ${i.epoch + 1}/${i.epochs} step ${i.step + 1}/${i.stepsPerEpoch} loss ${i.loss.toExponential(3)} ETA ${formatSeconds(eta)}   `,
      );
    },
    epoch(i) {
      const line = `epoch ${i.epoch + 1}/${i.epochs} loss ${i.loss.toExponential(4)} ${Math.round(i.samplesPerSecond)} samples/s ETA ${formatSeconds(i.etaMs / 1000)}`;
      stream.write(tty ? `\r${line}${' '.repeat(30)}\n` : `${line}\n`);
    },
    done() {
      if (tty) stream.write('\n');
    },
  };
}

function formatSeconds(s: number): string {
  if (!Number.isFinite(s)) return '--';
  const m = Math.floor(s / 60);
  return m > 0 ? `${m}m${String(Math.round(s % 60)).padStart(2, '0')}s` : `${Math.round(s)}s`;
}
