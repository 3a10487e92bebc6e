import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { bundleFilesOf, HeadsError, validateBundleManifest, type BundleFile, type BundleFileMap, type BundleManifest } from '@rsd/heads';
import { RsdError } from '../errors/rsd-error.ts';

/** A bundle read from disk: its validated manifest and the bytes of each ONNX file (sha256 checked). */
export interface BundleContents {
  readonly dir: string;
  readonly manifest: BundleManifest;
  /** Every file of `bundleFilesOf(manifest)`: no `draft.onnx` when dims.k is 0, no `backbone.onnx` for an external backbone. */
  readonly models: BundleFileMap<Uint8Array>;
}

/** The lower-case hex sha256 of `bytes`. */
export function sha256Hex(bytes: Uint8Array): string {
  return createHash('sha256').update(bytes).digest('hex');
}

async function readOrMissing(dir: string, file: string): Promise<Uint8Array> {
  try {
    return new Uint8Array(await readFile(join(dir, file)));
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR') {
      throw new RsdError('BUNDLE_MISSING_FILE', `bundle ${dir}: missing file ${file}`, { subject: file, cause: error });
    }
    throw new RsdError('BUNDLE_MISSING_FILE', `bundle ${dir}: cannot read ${file}: ${(error as Error).message}`, { subject: file, cause: error });
  }
}

/**
 * Reads `manifest.json` (SPEC §2), validates it with `@rsd/heads`' schema, reads its ONNX files
 * (all five; no `draft.onnx` when dims.k = 0; no `backbone.onnx` when backbone.kind = external) and checks each one's sha256 against the manifest. Errors: `BUNDLE_MISSING_FILE`,
 * `BUNDLE_INVALID_MANIFEST` (subject `manifest.json#<field>`), `BUNDLE_HASH_MISMATCH` (subject
 * the file).
 */
export async function readBundle(dir: string): Promise<BundleContents> {
  const raw = await readOrMissing(dir, 'manifest.json');
  let parsed: unknown;
  try {
    parsed = JSON.parse(new TextDecoder().decode(raw));
  } catch (error) {
    throw new RsdError('BUNDLE_INVALID_MANIFEST', `bundle ${dir}: manifest.json is not valid JSON: ${(error as Error).message}`, {
      subject: 'manifest.json',
      cause: error,
    });
  }
  let manifest: BundleManifest;
  try {
    manifest = validateBundleManifest(parsed, 'manifest.json');
  } catch (error) {
    if (!HeadsError.isInstance(error)) throw error;
    throw new RsdError('BUNDLE_INVALID_MANIFEST', `bundle ${dir}: ${error.message}`, { subject: error.subject ?? 'manifest.json', cause: error });
  }
  const models: Partial<Record<BundleFile, Uint8Array>> = {};
  for (const file of bundleFilesOf(manifest)) {
    const bytes = await readOrMissing(dir, file);
    const actual = sha256Hex(bytes);
    const expected = manifest.files[file]!.sha256;
    if (actual !== expected) {
      throw new RsdError(
        'BUNDLE_HASH_MISMATCH',
        `bundle ${dir}: ${file} has sha256 ${actual} but manifest.json field files["${file}"].sha256 says ${expected}`,
        { subject: file },
      );
    }
    models[file] = bytes;
  }
  return { dir, manifest, models: models as BundleFileMap<Uint8Array> };
}
