import type { EvalMode } from '../config/eval-config.ts';
import type { EpisodeRecord } from '../results/episode-record.ts';

/** Where progress goes (stderr): a TTY gets redrawn bars, anything else one line per episode. */
export interface ProgressStream {
  write(text: string): void;
  readonly isTTY?: boolean;
}

interface ModeCount {
  total: number;
  done: number;
  ok: number;
  successes: number;
  errors: number;
}

function duration(ms: number): string {
  if (!Number.isFinite(ms) || ms < 0) return '--';
  const s = Math.round(ms / 1000);
  if (s < 60) return `${s}s`;
  if (s < 3600) return `${Math.floor(s / 60)}m${String(s % 60).padStart(2, '0')}s`;
  return `${Math.floor(s / 3600)}h${String(Math.floor((s % 3600) / 60)).padStart(2, '0')}m`;
}

const pct = (a: number, b: number) => (b === 0 ? '  --' : `${((100 * a) / b).toFixed(0).padStart(3)}%`);

/**
 * Progress of a run: per mode, episodes done, running success rate and ETA (from the pace of
 * the episodes finished in this process, so a resumed run's old episodes do not skew it).
 */
export class ProgressReporter {
  readonly #stream: ProgressStream;
  readonly #now: () => number;
  readonly #modes = new Map<EvalMode, ModeCount>();
  #start = 0;
  #doneHere = 0;
  #drawn = 0;

  constructor(stream: ProgressStream, now: () => number = () => Date.now()) {
    this.#stream = stream;
    this.#now = now;
  }

  /** Declares the run: total episodes per mode and the records already finished (resume). */
  start(totals: ReadonlyMap<EvalMode, number>, previous: readonly EpisodeRecord[]): void {
    this.#start = this.#now();
    for (const [mode, total] of totals) this.#modes.set(mode, { total, done: 0, ok: 0, successes: 0, errors: 0 });
    for (const r of previous) this.#count(r);
    if (previous.length > 0 && !this.#stream.isTTY) this.#stream.write(`resuming: ${previous.length} episodes already finished\n`);
    if (this.#stream.isTTY) this.#draw();
  }

  episode(r: EpisodeRecord): void {
    this.#count(r);
    this.#doneHere++;
    if (this.#stream.isTTY) {
      this.#draw();
      return;
    }
    const c = this.#modes.get(r.mode)!;
    const outcome = r.status === 'error' ? `ERROR ${r.error ?? ''}` : r.success ? 'success' : 'failure';
    const ms = r.inference_ms.length === 0 ? 0 : r.inference_ms.reduce((s, x) => s + x, 0) / r.inference_ms.length;
    this.#stream.write(
      `[${r.mode} ${c.done}/${c.total}] task ${r.task_id} trial ${r.trial}: ${outcome} (${r.steps} steps, ${r.inference_ms.length} calls, ${ms.toFixed(2)} ms/call) success so far ${pct(c.successes, c.ok).trim()} eta ${duration(this.#eta())}\n`,
    );
  }

  /** A log line (e.g. a worker's): on a TTY written above the bars, which are then redrawn. */
  log(line: string): void {
    if (!this.#stream.isTTY || this.#drawn === 0) {
      this.#stream.write(`${line}\n`);
      return;
    }
    const up = this.#drawn > 1 ? `\x1b[${this.#drawn - 1}A` : '';
    this.#stream.write(`${up}\r\x1b[J${line}\n`);
    this.#drawn = 0;
    this.#draw();
  }

  /** Ends the bars (a newline on a TTY). */
  finish(): void {
    if (this.#stream.isTTY && this.#drawn > 0) this.#stream.write('\n');
    this.#drawn = 0;
  }

  #count(r: EpisodeRecord): void {
    const c = this.#modes.get(r.mode);
    if (c === undefined) return;
    c.done++;
    if (r.status === 'error') c.errors++;
    else {
      c.ok++;
      if (r.success) c.successes++;
    }
  }

  #eta(): number {
    if (this.#doneHere === 0) return Number.NaN;
    let remaining = 0;
    for (const c of this.#modes.values()) remaining += c.total - c.done;
    return ((this.#now() - this.#start) / this.#doneHere) * remaining;
  }

  #draw(): void {
    const width = 30;
    const lines = [...this.#modes].map(([mode, c]) => {
      const filled = c.total === 0 ? width : Math.round((width * c.done) / c.total);
      const errors = c.errors > 0 ? ` errors ${c.errors}` : '';
      return `${mode.padEnd(8)} [${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${c.done}/${c.total} success ${pct(c.successes, c.ok)}${errors} eta ${duration(this.#eta())}`;
    });
    const up = this.#drawn > 1 ? `\x1b[${this.#drawn - 1}A` : '';
    this.#stream.write(`${up}\r${lines.map((l) => `\x1b[2K${l}`).join('\n')}`);
    this.#drawn = lines.length;
  }
}
