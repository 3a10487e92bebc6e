import { existsSync, mkdirSync, readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { EvalError } from '../errors/eval-error.ts';
import { EpisodeLogWriter } from './episode-log.ts';
import type { EpisodeRecord } from './episode-record.ts';
import type { RunManifest } from './run-manifest.ts';
import { writeJsonAtomic } from './write-json-atomic.ts';

/** What a run may create in its folder before its first episode record (removed by `discard`). */
const OWN_ENTRIES = ['run.json', 'episodes.jsonl', 'videos'] as const;

/**
 * The output folder of one `eval` invocation. Its run files — `run.json` (a new run only) and
 * `episodes.jsonl` — are written when the first episode record arrives, so a run that fails
 * during setup (a LIBERO server that cannot load, a bad token, a bundle that does not load)
 * leaves nothing that would make the same command refuse its `--out` ("use --resume").
 * `discard()` after such a failure also removes what the run created in the meantime: the folder
 * itself when the run made it, else only its own entries (run files, `videos/`) that were not
 * there before; a folder the user created, and anything else in it, stays as it was.
 */
export class RunFolder {
  readonly dir: string;
  readonly logPath: string;
  readonly #run: RunManifest | undefined;
  readonly #createdDir: boolean;
  readonly #resumed: boolean;
  readonly #before: ReadonlySet<string>;
  #writer: EpisodeLogWriter | undefined;
  #records = 0;

  private constructor(dir: string, run: RunManifest | undefined, createdDir: boolean) {
    this.dir = dir;
    this.#resumed = run === undefined;
    this.logPath = join(dir, 'episodes.jsonl');
    this.#run = run;
    this.#createdDir = createdDir;
    this.#before = new Set(createdDir ? [] : readdirSync(dir));
  }

  /** A new run into `dir` (created when missing; IO_ERROR when that fails); `run` is written with the first record. */
  static start(dir: string, run: RunManifest): RunFolder {
    const existed = existsSync(dir);
    try {
      mkdirSync(dir, { recursive: true });
    } catch (error) {
      throw new EvalError('IO_ERROR', `cannot create ${dir}: ${(error as Error).message}`, { subject: 'out', cause: error });
    }
    return new RunFolder(dir, run, !existed);
  }

  /** A resumed run folder (its run.json exists): records are appended to its episodes.jsonl. */
  static resume(dir: string): RunFolder {
    return new RunFolder(dir, undefined, false);
  }

  /** Episode records this invocation appended. */
  get records(): number {
    return this.#records;
  }

  /** Appends one record to episodes.jsonl (flushed), first writing run.json and opening the log if needed. */
  append(record: EpisodeRecord): void {
    this.open().append(record);
    this.#records++;
  }

  /** Makes sure the run files exist (run.json of a new run, episodes.jsonl), e.g. before writing results. */
  open(): EpisodeLogWriter {
    if (this.#writer === undefined) {
      if (this.#run !== undefined && this.#records === 0) writeJsonAtomic(join(this.dir, 'run.json'), this.#run);
      this.#writer = new EpisodeLogWriter(this.logPath);
    }
    return this.#writer;
  }

  close(): void {
    this.#writer?.close();
    this.#writer = undefined;
  }

  /**
   * After a failure before the first record: removes what this run created (see the class
   * comment). Does nothing once a record was appended (those are kept for `--resume`), nor to
   * a resumed folder. Returns whether the run is left for `--resume` (false: nothing is left, the
   * same command can run again as is).
   */
  discard(): boolean {
    if (this.#records > 0 || this.#resumed) {
      this.close();
      return true;
    }
    this.close();
    if (this.#createdDir) {
      rmSync(this.dir, { recursive: true, force: true });
      return false;
    }
    for (const name of readdirSync(this.dir)) {
      const own = (OWN_ENTRIES as readonly string[]).includes(name) || name.startsWith('run.json.tmp-');
      if (own && !this.#before.has(name)) rmSync(join(this.dir, name), { recursive: true, force: true });
    }
    return false;
  }
}
