import { createHash } from 'node:crypto';
import { mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { EvalError } from '@rsd/eval-cli';

const MARKER_FORMAT = 'rsd-train-default-stage/1';
const CONFIG_FILE = 'config.json';

/** What a finished stage leaves in `<work>/<stage>.done.json` (written last, atomically). */
export interface StageMarker {
  readonly format: typeof MARKER_FORMAT;
  readonly stage: string;
  /** sha256 of the config fields the stage reads and of its inputs (the upstream stages' keys and outputs). */
  readonly key: string;
  /** Seconds of the attempt that finished the stage (after a resume: that session's part only; the policy history keeps per-epoch seconds). */
  readonly seconds: number;
  readonly finishedAt: string;
  /** Small JSON result (metrics, counts, file hashes); the big outputs are files under `<work>/<stage>/`. */
  readonly result: Record<string, unknown>;
}

export const sha256 = (...parts: readonly (string | Uint8Array)[]): string => {
  const h = createHash('sha256');
  for (const p of parts) h.update(p);
  return h.digest('hex');
};

/** Every leaf of a JSON value as `a.b[2].c` → JSON text (what a config diff names). */
function leaves(value: unknown, path = '', out = new Map<string, string>()): Map<string, string> {
  if (Array.isArray(value)) {
    if (value.length === 0) out.set(path, '[]');
    value.forEach((v, i) => leaves(v, `${path}[${i}]`, out));
  } else if (typeof value === 'object' && value !== null) {
    for (const [k, v] of Object.entries(value)) leaves(v, path === '' ? k : `${path}.${k}`, out);
  } else out.set(path, JSON.stringify(value));
  return out;
}

/** The config fields that differ between two configs, as `field: old -> new` (empty when equal). */
export function configDifferences(before: unknown, after: unknown): string[] {
  const a = leaves(before);
  const b = leaves(after);
  const keys = [...new Set([...a.keys(), ...b.keys()])];
  return keys.filter((k) => a.get(k) !== b.get(k)).map((k) => `${k}: ${a.get(k) ?? '(absent)'} -> ${b.get(k) ?? '(absent)'}`);
}

async function readJson(path: string): Promise<unknown> {
  try {
    return JSON.parse(await readFile(path, 'utf8')) as unknown;
  } catch (cause) {
    if ((cause as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw new EvalError('IO_ERROR', `${path}: cannot read (${(cause as Error).message}); remove it or pass --fresh`, { subject: path, cause });
  }
}

/** Writes a file atomically (temporary name, then rename): a kill leaves the old file or the new one. */
export async function writeFileAtomic(path: string, data: string | Uint8Array): Promise<void> {
  const tmp = `${path}.partial-${process.pid}`;
  await writeFile(tmp, data);
  await rename(tmp, path);
}

/**
 * The work folder of a train-default run: `config.json` (the config of the latest run), one
 * folder per stage for its outputs and checkpoints, and `<stage>.done.json` markers. A stage
 * counts as finished only when its marker exists with the expected key, so a run killed at any
 * point reruns (or resumes) exactly the stages that had not finished. A stage's key covers only
 * the config fields it reads (its slice) and its upstream stages, so changing, say, the heads'
 * settings reruns the heads and what follows but reuses the demos, the teacher and the tokenizer.
 */
export class TrainWorkDir {
  readonly dir: string;

  private constructor(dir: string) {
    this.dir = dir;
  }

  /**
   * Opens (or creates) `dir` for `config`, emptied first when `fresh`. When the folder was
   * started with another config, the differing fields are logged by name (the stages that read
   * them rerun) and `config.json` is replaced.
   */
  static async open(dir: string, config: unknown, options: { fresh: boolean; log: (line: string) => void }): Promise<TrainWorkDir> {
    if (options.fresh) {
      await rm(dir, { recursive: true, force: true });
      options.log(`[train-default] --fresh: removed ${dir}`);
    }
    await mkdir(dir, { recursive: true });
    const saved = await readJson(join(dir, CONFIG_FILE));
    if (saved !== undefined) {
      const diff = configDifferences(saved, config);
      if (diff.length > 0)
        options.log(`[train-default] resuming in ${dir} with a changed config (${diff.join('; ')}); the stages that read these fields rerun`);
      else options.log(`[train-default] resuming in ${dir} (same config)`);
    }
    if (saved === undefined || configDifferences(saved, config).length > 0)
      await writeFileAtomic(join(dir, CONFIG_FILE), `${JSON.stringify(config, null, 2)}\n`);
    return new TrainWorkDir(dir);
  }

  /** The folder of a stage's outputs and checkpoints. */
  stageDir(stage: string): string {
    return join(this.dir, stage);
  }

  /** The key of a stage: stage name + the config fields it reads (`slice`) + its inputs (upstream keys and output hashes). */
  key(stage: string, slice: unknown, inputs: readonly string[]): string {
    return sha256(MARKER_FORMAT, '\0', stage, '\0', JSON.stringify(slice), ...inputs.flatMap((i) => ['\0', i]));
  }

  /** The marker of a finished stage with this key, or undefined (absent, or left by other inputs). */
  async finished(stage: string, key: string): Promise<StageMarker | undefined> {
    const m = (await readJson(join(this.dir, `${stage}.done.json`))) as StageMarker | undefined;
    if (m === undefined) return undefined;
    if (m.format !== MARKER_FORMAT || m.key !== key) return undefined;
    return m;
  }

  /**
   * Starts (or restarts) a stage: true when an interrupted attempt with the same key left
   * checkpoints to continue from; otherwise the stage folder is cleared. A stale done marker
   * is removed first, so a kill from here on leaves the stage unfinished.
   */
  async begin(stage: string, key: string): Promise<boolean> {
    await rm(join(this.dir, `${stage}.done.json`), { force: true });
    const startedPath = join(this.dir, `${stage}.started.json`);
    const started = (await readJson(startedPath)) as { key?: string } | undefined;
    if (started?.key === key) return true;
    await rm(this.stageDir(stage), { recursive: true, force: true });
    await mkdir(this.stageDir(stage), { recursive: true });
    await writeFileAtomic(startedPath, `${JSON.stringify({ stage, key, startedAt: new Date().toISOString() })}\n`);
    return false;
  }

  /** Records a stage as finished (its outputs must already be on disk). */
  async finish(stage: string, key: string, seconds: number, result: Record<string, unknown>): Promise<StageMarker> {
    const marker: StageMarker = { format: MARKER_FORMAT, stage, key, seconds, finishedAt: new Date().toISOString(), result };
    await writeFileAtomic(join(this.dir, `${stage}.done.json`), `${JSON.stringify(marker, null, 2)}\n`);
    return marker;
  }
}
