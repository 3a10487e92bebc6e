import { closeSync, existsSync, fsyncSync, openSync, readFileSync, truncateSync, writeSync } from 'node:fs';
import { EvalError } from '../errors/eval-error.ts';
import { episodeKey } from '../protocol/episode-job.ts';
import { episodeRecordProblem, type EpisodeRecord } from './episode-record.ts';

/**
 * Reads `episodes.jsonl`. A last line without its newline is the trace of a process killed
 * while writing: it is dropped (and cut from the file when `repair` is set). Any other bad line
 * is INVALID_LOG naming the line. Later records of the same episode replace earlier ones (a
 * resumed run retries episodes that ended in `error`).
 */
export function readEpisodeLog(path: string, options: { readonly repair?: boolean } = {}): EpisodeRecord[] {
  if (!existsSync(path)) return [];
  const text = readFileSync(path, 'utf8');
  const complete = text.endsWith('\n') || text === '' ? text : text.slice(0, text.lastIndexOf('\n') + 1);
  if (complete.length !== text.length && options.repair === true) truncateSync(path, Buffer.byteLength(complete));
  const byKey = new Map<string, EpisodeRecord>();
  complete
    .split('\n')
    .slice(0, -1)
    .forEach((line, i) => {
      let value: unknown;
      try {
        value = JSON.parse(line);
      } catch (error) {
        throw new EvalError('INVALID_LOG', `${path}:${i + 1}: not valid JSON`, { subject: path, cause: error });
      }
      const problem = episodeRecordProblem(value);
      if (problem !== undefined) throw new EvalError('INVALID_LOG', `${path}:${i + 1}: ${problem}`, { subject: path });
      const record = value as EpisodeRecord;
      const key = episodeKey(record);
      byKey.delete(key);
      byKey.set(key, record);
    });
  return [...byKey.values()];
}

/** Appends records to `episodes.jsonl`, one line each, flushed to disk before returning. */
export class EpisodeLogWriter {
  #fd: number | undefined;
  readonly path: string;

  constructor(path: string) {
    this.path = path;
    try {
      this.#fd = openSync(path, 'a');
    } catch (error) {
      throw new EvalError('IO_ERROR', `cannot open ${path} for appending: ${(error as Error).message}`, { subject: path, cause: error });
    }
  }

  append(record: EpisodeRecord): void {
    if (this.#fd === undefined) throw new EvalError('IO_ERROR', `${this.path} is closed`, { subject: this.path });
    writeSync(this.#fd, `${JSON.stringify(record)}\n`);
    fsyncSync(this.#fd);
  }

  close(): void {
    if (this.#fd !== undefined) closeSync(this.#fd);
    this.#fd = undefined;
  }
}
