import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HeadsError } from '../errors/heads-error.ts';
import { BUNDLE_FILES, bundleFilesOf, validateBundleManifest, type BundleFile } from './bundle-manifest.ts';
import { bundleManifest, sha256Hex, writeBundle, type BundleParts } from './write-bundle.ts';

let root: string;
beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'rsd-heads-wb-'));
});
afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

const parts = (): BundleParts => ({
  name: 'unit',
  dims: { C: 1, A: 2, H: 1, L: 2, K: 3, F: 4, k: 1 },
  actionNormalization: { kind: 'bounds', low: [-1, 0], high: [1, 2] },
  tokenizer: { variant: 'naive', layerScales: [1, 1], layerShifts: [0, 0] },
  backbone: { image: { height: 4, width: 4 }, instruction: { kind: 'hashed-words', vocabSize: 8, maxTokens: 2 } },
  provenance: { commit: 'abc', note: 'unit test' },
  models: Object.fromEntries(BUNDLE_FILES.map((f, i) => [f, Uint8Array.of(i + 1, 2, 3)])) as Record<
    BundleFile,
    Uint8Array
  >,
});

describe('writeBundle', () => {
  it('hashes each file with sha256 and writes exactly the manifest it returns', async () => {
    expect(sha256Hex(new TextEncoder().encode('abc'))).toBe(
      'ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad',
    );
    const dir = join(root, 'ok');
    const manifest = await writeBundle(dir, parts());
    expect(JSON.parse(await readFile(join(dir, 'manifest.json'), 'utf8'))).toEqual(manifest);
    expect(manifest.files['draft.onnx']?.sha256).toBe(sha256Hex(Uint8Array.of(2, 2, 3)));
    expect(Array.from(await readFile(join(dir, 'main.onnx')))).toEqual([3, 2, 3]);
  });

  it('validates the manifest before writing: a bad field is named and nothing is written', async () => {
    const bad = { ...parts(), tokenizer: { variant: 'naive' as const, layerScales: [1], layerShifts: [0, 0] } };
    expect(() => bundleManifest(bad)).toThrowError(/tokenizer.layerScales/);
    await expect(writeBundle(join(root, 'bad'), bad)).rejects.toThrowError(/tokenizer.layerScales/);
    const missing = { ...parts(), models: { ...parts().models, 'rfsq_decoder.onnx': new Uint8Array(0) } };
    expect(() => bundleManifest(missing)).toThrowError(/parts.models\["rfsq_decoder.onnx"\]/);
    expect(await readdir(root)).not.toContain('bad');
  });

  it('a failed write is an IO_ERROR naming the folder and leaves no partial folder', async () => {
    const blocker = join(root, 'file');
    await writeFile(blocker, 'not a folder');
    const error = await writeBundle(join(blocker, 'bundle'), parts()).catch((e: unknown) => e);
    expect(HeadsError.isInstance(error) && error.code).toBe('IO_ERROR');
    expect((await readdir(root)).filter((n) => n.includes('partial'))).toEqual([]);
  });
});

describe('a bundle without a draft (dims.k = 0)', () => {
  it('writes four ONNX files and a manifest without draft.onnx; listing one with k = 0 is refused by name', async () => {
    const { 'draft.onnx': _draft, ...models } = parts().models;
    void _draft;
    const p = { ...parts(), dims: { ...parts().dims, k: 0 }, models };
    const dir = join(root, 'no-draft');
    const manifest = await writeBundle(dir, p);
    expect(manifest.files['draft.onnx']).toBeUndefined();
    expect(bundleFilesOf(manifest)).toEqual(['backbone.onnx', 'main.onnx', 'rfsq_encoder.onnx', 'rfsq_decoder.onnx']);
    expect((await readdir(dir)).sort()).toEqual(['backbone.onnx', 'main.onnx', 'manifest.json', 'rfsq_decoder.onnx', 'rfsq_encoder.onnx']);
    const listed = { ...JSON.parse(await readFile(join(dir, 'manifest.json'), 'utf8')) };
    listed.files['draft.onnx'] = { sha256: '0'.repeat(64) };
    expect(() => validateBundleManifest(listed)).toThrowError(/files\["draft.onnx"\].*dims.k is 0/);
    // a bundle with a draft must list it
    const missing = { ...listed, dims: { ...listed.dims, k: 1 }, files: { ...listed.files } };
    delete missing.files['draft.onnx'];
    expect(() => validateBundleManifest(missing)).toThrowError(/files\["draft.onnx"\]/);
  });
});
