import type { ProgressStream } from '@rsd/eval-cli';

function duration(ms: number): string {
  if (!Number.isFinite(ms) || ms < 0) return '--';
  const s = Math.round(ms / 1000);
  if (s < 60) return `${s}s`;
  if (s < 3600) return `${Math.floor(s / 60)}m${String(s % 60).padStart(2, '0')}s`;
  return `${Math.floor(s / 3600)}h${String(Math.floor((s % 3600) / 60)).padStart(2, '0')}m`;
}

/**
 * Progress of one training stage in units (epochs, tasks): units done / total, samples/s and
 * the stage's ETA, from the pace of the units finished in this process (units reused from a
 * checkpoint do not skew it). Piped: one line per unit. On a TTY, `tick` redraws a status line
 * within a unit and `unit` replaces it with the unit's line.
 */
export class StageProgress {
  readonly #stream: ProgressStream;
  readonly #now: () => number;
  readonly #stage: string;
  readonly #unitName: string;
  readonly #total: number;
  #done: number;
  #doneHere = 0;
  #samplesHere = 0;
  #start: number;
  #unitStart: number;
  #drawn = false;

  /** `done` units are finished already (a resumed stage). */
  constructor(
    stream: ProgressStream,
    o: { stage: string; unitName: string; total: number; done?: number },
    now: () => number = () => performance.now(),
  ) {
    this.#stream = stream;
    this.#now = now;
    this.#stage = o.stage;
    this.#unitName = o.unitName;
    this.#total = o.total;
    this.#done = o.done ?? 0;
    this.#start = now();
    this.#unitStart = this.#start;
    if (this.#done > 0) this.#line(`resuming after ${this.#done}/${this.#total} ${this.#unitName}s`);
  }

  /** ETA of the stage in ms (NaN before the first unit finished here). */
  etaMs(): number {
    if (this.#doneHere === 0) return Number.NaN;
    return ((this.#now() - this.#start) / this.#doneHere) * (this.#total - this.#done);
  }

  /** TTY only: where the current unit stands (e.g. batch 12/40); piped output ignores it. */
  tick(part: number, parts: number, samples: number): void {
    if (this.#stream.isTTY !== true) return;
    const ms = this.#now() - this.#unitStart;
    const rate = ms > 0 ? (samples / ms) * 1000 : Number.NaN;
    const width = 20;
    const filled = Math.round((width * part) / Math.max(1, parts));
    this.#stream.write(
      `\r\x1b[2K[train-default] ${this.#stage} ${this.#unitName} ${this.#done + 1}/${this.#total} [${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${part}/${parts} ${Number.isFinite(rate) ? rate.toFixed(0) : '--'} samples/s eta ${duration(this.etaMs())}`,
    );
    this.#drawn = true;
  }

  /** A unit finished with `samples` processed; `detail` (losses, …) ends the line. */
  unit(samples: number, detail = ''): void {
    this.#done++;
    this.#doneHere++;
    this.#samplesHere += samples;
    const now = this.#now();
    const unitMs = now - this.#unitStart;
    this.#unitStart = now;
    const rate = samples > 0 && unitMs > 0 ? ` ${((samples / unitMs) * 1000).toFixed(0)} samples/s,` : '';
    this.#line(
      `${this.#unitName} ${this.#done}/${this.#total} (${duration(unitMs)},${rate} stage eta ${duration(this.etaMs())})${detail === '' ? '' : ` ${detail}`}`,
    );
  }

  /** Samples per second over the units finished here. */
  samplesPerSecond(): number {
    const ms = this.#now() - this.#start;
    return ms > 0 ? (this.#samplesHere / ms) * 1000 : 0;
  }

  #line(text: string): void {
    const clear = this.#drawn ? '\r\x1b[2K' : '';
    this.#drawn = false;
    this.#stream.write(`${clear}[train-default] ${this.#stage} ${text}\n`);
  }
}
