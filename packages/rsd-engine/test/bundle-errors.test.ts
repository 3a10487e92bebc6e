import { mkdtemp, readFile, rm, unlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { writeRandomBundle } from '@rsd/heads/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadEngine, RsdError, type RsdEngine } from '../src/index.ts';

const dims = { C: 2, A: 3, H: 2, L: 3, K: 5, F: 6, k: 2 };
let root: string;
const quiet = { log: () => {} };

async function freshBundle(name: string): Promise<string> {
  const dir = join(root, name);
  await writeRandomBundle(dir, { dims, seed: 5 });
  return dir;
}

async function loadError(dir: string): Promise<RsdError> {
  const error = await loadEngine(dir, quiet).then(
    () => undefined,
    (e: unknown) => e,
  );
  if (!RsdError.isInstance(error)) throw new Error(`expected an RsdError, got ${String(error)}`);
  return error;
}

/** A parsed manifest as loose JSON, for editing fields in tests. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Json = any;

async function editManifest(dir: string, edit: (m: Json) => void): Promise<void> {
  const path = join(dir, 'manifest.json');
  const m = JSON.parse(await readFile(path, 'utf8'));
  edit(m);
  await writeFile(path, JSON.stringify(m));
}

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'rsd-engine-errors-'));
});
afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

describe('loadEngine errors', () => {
  it('a missing ONNX file names the file', async () => {
    const dir = await freshBundle('missing');
    await unlink(join(dir, 'draft.onnx'));
    const e = await loadError(dir);
    expect(e.code).toBe('BUNDLE_MISSING_FILE');
    expect(e.subject).toBe('draft.onnx');
    expect(e.message).toMatch(/draft\.onnx/);
  });

  it('a missing manifest names manifest.json', async () => {
    const e = await loadError(join(root, 'nowhere'));
    expect(e.code).toBe('BUNDLE_MISSING_FILE');
    expect(e.subject).toBe('manifest.json');
  });

  it('a changed file fails its sha256 check', async () => {
    const dir = await freshBundle('hash');
    const path = join(dir, 'main.onnx');
    const bytes = await readFile(path);
    bytes[bytes.length - 1]! ^= 1;
    await writeFile(path, bytes);
    const e = await loadError(dir);
    expect(e.code).toBe('BUNDLE_HASH_MISMATCH');
    expect(e.subject).toBe('main.onnx');
  });

  it('an invalid manifest field is named', async () => {
    const dir = await freshBundle('invalid');
    await editManifest(dir, (m) => {
      m.dims.k = 9;
    });
    const e = await loadError(dir);
    expect(e.code).toBe('BUNDLE_INVALID_MANIFEST');
    expect(e.message).toMatch(/dims\.k/);
  });

  it.each([
    ['dims.K', (m: Json) => (m.dims.K = 4), /draft\.onnx: output "logits" dim 4/],
    ['dims.F', (m: Json) => (m.dims.F = 7), /backbone\.onnx: output "features" dim 1/],
    ['backbone.image', (m: Json) => (m.backbone.image.width = 9), /backbone\.onnx: input "image" dim 2/],
    ['backbone.proprio', (m: Json) => (m.backbone.proprio = { size: 3, fields: ['eePos'] }), /backbone\.onnx: input "proprio" is missing/],
  ])('a manifest whose %s disagrees with an ONNX model is refused naming the model and value', async (_f, edit, message) => {
    const dir = await freshBundle(`shape-${_f}`);
    await editManifest(dir, edit);
    const e = await loadError(dir);
    expect(e.code).toBe('BUNDLE_MODEL_MISMATCH');
    expect(e.message).toMatch(message);
  });
});

describe('input errors', () => {
  let engine: RsdEngine;
  beforeAll(async () => {
    engine = await loadEngine(await freshBundle('inputs'), quiet);
  });
  afterAll(async () => {
    await engine.close();
  });
  const exact = { mode: 'rsd', acceptance: { kind: 'exact' } } as const;

  it('NaN features are refused naming the position', async () => {
    const f = new Float32Array(2 * dims.F);
    f[dims.F + 2] = Number.NaN;
    await expect(engine.predictFromFeatures(f, 2, exact)).rejects.toMatchObject({ code: 'INVALID_INPUT', message: /features\[1, 2\]/ });
  });

  it('wrong-sized features are refused', async () => {
    await expect(engine.predictFromFeatures(new Float32Array(dims.F + 1), 1, exact)).rejects.toMatchObject({ code: 'INVALID_INPUT', subject: 'features' });
  });

  it('draftLayers beyond the draft model is refused naming the option', async () => {
    await expect(engine.predictFromFeatures(new Float32Array(dims.F), 1, { ...exact, draftLayers: 3 })).rejects.toMatchObject({
      code: 'INVALID_OPTIONS',
      subject: 'draftLayers',
    });
  });

  it('images of the wrong size are refused, not resized', async () => {
    const image = { width: 4, height: 4, data: new Uint8Array(48) };
    await expect(engine.predict({ images: [image], instructions: ['pick'] }, exact)).rejects.toMatchObject({ code: 'INVALID_INPUT', message: /8x8/ });
  });

  it('a closed engine refuses calls', async () => {
    const other = await loadEngine(await freshBundle('closed'), quiet);
    await other.close();
    await expect(other.predictFromFeatures(new Float32Array(dims.F), 1, exact)).rejects.toMatchObject({ code: 'ENGINE_CLOSED' });
  });
});
