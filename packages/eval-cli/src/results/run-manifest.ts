import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { FeaturesRecord } from '../config/compare-run-features.ts';
import type { RunIdentity } from '../config/eval-config.ts';
import { EvalError } from '../errors/eval-error.ts';

export const RUN_FORMAT = 'rsd-eval-run/1';

/** `run.json`: what a run folder was started with, so `--resume` can continue it. */
export interface RunManifest {
  readonly format: typeof RUN_FORMAT;
  readonly identity: RunIdentity;
  /** `--env` as given. */
  readonly env: string;
  readonly bundleDir: string;
  /** `name` of the bundle's manifest. */
  readonly bundleName?: string;
  readonly startedAt: string;
  /** What the run did that a reader must know: the render size and resize, a bundle trained elsewhere. */
  readonly notes?: readonly string[];
  /** `--features` / `--features-config` of an `--env python` run of a bundle with an external backbone, with the files' sha256. */
  readonly features?: FeaturesRecord;
}

/** Reads `<dir>/run.json`; a missing or malformed file is INVALID_FLAG naming it. */
export function readRunManifest(dir: string): RunManifest {
  const path = join(dir, 'run.json');
  if (!existsSync(path)) throw new EvalError('INVALID_FLAG', `--resume ${dir}: ${path} does not exist (not a run folder)`, { subject: 'resume' });
  let v: unknown;
  try {
    v = JSON.parse(readFileSync(path, 'utf8'));
  } catch (error) {
    throw new EvalError('INVALID_FLAG', `--resume ${dir}: ${path} is not valid JSON`, { subject: path, cause: error });
  }
  const m = v as Partial<RunManifest>;
  if (m?.format !== RUN_FORMAT) throw new EvalError('INVALID_FLAG', `${path}: field "format" must be "${RUN_FORMAT}"`, { subject: `${path}#format` });
  if (typeof m.identity !== 'object' || m.identity === null) throw new EvalError('INVALID_FLAG', `${path}: field "identity" is missing`, { subject: `${path}#identity` });
  if (typeof m.env !== 'string' || typeof m.bundleDir !== 'string' || typeof m.startedAt !== 'string') {
    throw new EvalError('INVALID_FLAG', `${path}: fields "env", "bundleDir" and "startedAt" must be strings`, { subject: path });
  }
  return m as RunManifest;
}
