import { createHash } from 'node:crypto';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { validateBundleManifest, type BundleManifest } from '@rsd/heads';
import { EvalError } from '../errors/eval-error.ts';

/** A bundle folder whose manifest parsed and validated, with the manifest's sha256. */
export interface CheckedBundle {
  readonly dir: string;
  readonly manifest: BundleManifest;
  /** sha256 (hex) of manifest.json, which itself pins every ONNX file's sha256. */
  readonly manifestSha256: string;
}

/**
 * Checks a bundle before any work starts: the folder and `manifest.json` exist, the manifest
 * validates, and every ONNX file it lists is present. Errors are MISSING_BUNDLE naming the path.
 */
export function checkBundle(dir: string, options: { readonly isDefault?: boolean } = {}): CheckedBundle {
  if (!existsSync(dir) || !statSync(dir).isDirectory()) {
    const hint = options.isDefault === true ? ' (the shipped embedded model is not in this checkout: pass --bundle <dir>)' : ' (a model bundle holds manifest.json and five .onnx files)';
    throw new EvalError('MISSING_BUNDLE', `--bundle ${dir}: no such folder${hint}`, {
      subject: 'bundle',
    });
  }
  const manifestPath = join(dir, 'manifest.json');
  if (!existsSync(manifestPath)) {
    throw new EvalError('MISSING_BUNDLE', `--bundle ${dir}: ${manifestPath} does not exist`, { subject: manifestPath });
  }
  const bytes = readFileSync(manifestPath);
  let parsed: unknown;
  try {
    parsed = JSON.parse(bytes.toString('utf8'));
  } catch (error) {
    throw new EvalError('MISSING_BUNDLE', `${manifestPath}: not valid JSON (${(error as Error).message})`, {
      subject: manifestPath,
      cause: error,
    });
  }
  let manifest: BundleManifest;
  try {
    manifest = validateBundleManifest(parsed, manifestPath);
  } catch (error) {
    throw new EvalError('MISSING_BUNDLE', (error as Error).message, { subject: manifestPath, cause: error });
  }
  for (const file of Object.keys(manifest.files)) {
    if (!existsSync(join(dir, file))) {
      throw new EvalError('MISSING_BUNDLE', `--bundle ${dir}: ${file} is listed in manifest.json but missing`, {
        subject: join(dir, file),
      });
    }
  }
  return { dir, manifest, manifestSha256: createHash('sha256').update(bytes).digest('hex') };
}
