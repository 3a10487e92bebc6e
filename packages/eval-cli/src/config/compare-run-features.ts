import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import type { FeaturesSpec } from '../env/env-spec.ts';
import { EvalError } from '../errors/eval-error.ts';

/**
 * `run.json`'s record of the feature module an `--env python` run's servers ran: the paths as given
 * (`module` absolute, `config` a path or inline JSON) and the sha256 of the files' contents, so
 * that `--resume` notices a module or config that changed in place.
 */
export interface FeaturesRecord extends FeaturesSpec {
  /** sha256 of the module file (absent in run folders of older versions). */
  readonly moduleSha256?: string;
  /** sha256 of the config file when `config` is a path (inline JSON is compared as text). */
  readonly configSha256?: string;
}

const sha256Of = (path: string): string | undefined => (existsSync(path) ? createHash('sha256').update(readFileSync(path)).digest('hex') : undefined);
const isInline = (config: string) => config.trimStart().startsWith('{');

/** The record of `spec` for run.json: its paths and the sha256 of its files. */
export function featuresRecordOf(spec: FeaturesSpec): FeaturesRecord {
  const moduleSha256 = sha256Of(spec.module);
  const configSha256 = spec.config === undefined || isInline(spec.config) ? undefined : sha256Of(spec.config);
  return { ...spec, ...(moduleSha256 === undefined ? {} : { moduleSha256 }), ...(configSha256 === undefined ? {} : { configSha256 }) };
}

/**
 * Refuses to resume when the feature module the servers would run differs from the saved run's:
 * another `--features` module, a module file whose content changed, another `--features-config`
 * (text or file content). RESUME_MISMATCH naming the flag, the saved and the new value.
 */
export function compareRunFeatures(saved: FeaturesRecord | undefined, current: FeaturesSpec | undefined, dir: string): void {
  const refuse = (flag: string, what: string) =>
    new EvalError('RESUME_MISMATCH', `--resume ${dir}: ${flag} differs from the saved run: ${what}; resuming would mix episodes of two feature modules (start a new --out instead)`, { subject: flag.replace(/^--/, '') });
  if (saved === undefined && current === undefined) return;
  if (saved === undefined || current === undefined) {
    throw refuse('--features', `saved ${JSON.stringify(saved?.module ?? null)}, now ${JSON.stringify(current?.module ?? null)}`);
  }
  if (saved.module !== current.module) throw refuse('--features', `saved ${JSON.stringify(saved.module)}, now ${JSON.stringify(current.module)}`);
  const now = featuresRecordOf(current);
  if (saved.moduleSha256 !== undefined && saved.moduleSha256 !== now.moduleSha256) {
    throw refuse('--features', `the module ${current.module} changed since the run started (sha256 saved ${saved.moduleSha256}, now ${now.moduleSha256 ?? 'missing file'})`);
  }
  if ((saved.config ?? null) !== (current.config ?? null)) {
    throw refuse('--features-config', `saved ${JSON.stringify(saved.config ?? null)}, now ${JSON.stringify(current.config ?? null)}`);
  }
  if (saved.configSha256 !== undefined && saved.configSha256 !== now.configSha256) {
    throw refuse('--features-config', `the config file ${current.config} changed since the run started (sha256 saved ${saved.configSha256}, now ${now.configSha256 ?? 'missing file'})`);
  }
}
