import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as ort from 'onnxruntime-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BUNDLE_FILES, validateBundleManifest } from '../bundle/bundle-manifest.ts';
import { sha256Hex } from '../bundle/write-bundle.ts';
import { HeadsError } from '../errors/heads-error.ts';
import { draftForward } from '../model/draft-forward.ts';
import { mainForward } from '../model/main-forward.ts';
import { SeededRandom } from './seeded-random.ts';
import { writeRandomBundle } from './write-random-bundle.ts';

const dims = { C: 2, A: 3, H: 2, L: 3, K: 5, F: 6, k: 2 };
let root: string;

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'rsd-heads-bundle-'));
});
afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

describe('writeRandomBundle', () => {
  it('writes a complete bundle whose manifest validates and hashes every file', async () => {
    const dir = join(root, 'a');
    const written = await writeRandomBundle(dir, { dims, seed: 3 });
    expect((await readdir(dir)).sort()).toEqual([...BUNDLE_FILES, 'manifest.json'].sort());
    const manifest = validateBundleManifest(JSON.parse(await readFile(join(dir, 'manifest.json'), 'utf8')));
    expect(manifest).toEqual(written.manifest);
    expect(manifest.dims).toEqual(dims);
    for (const f of BUNDLE_FILES) expect(manifest.files[f]?.sha256).toBe(sha256Hex(await readFile(join(dir, f))));
    expect(manifest.provenance).toMatchObject({ random: true, seed: 3 });
    // nothing else is left next to the bundle
    expect(await readdir(root)).toEqual(['a']);
  });

  it('is deterministic in the seed', async () => {
    const a = await writeRandomBundle(join(root, 's1'), { dims, seed: 11 });
    const b = await writeRandomBundle(join(root, 's2'), { dims, seed: 11 });
    const c = await writeRandomBundle(join(root, 's3'), { dims, seed: 12 });
    expect(b.manifest.files).toEqual(a.manifest.files);
    expect(c.manifest.files['main.onnx']).not.toEqual(a.manifest.files['main.onnx']);
    expect(c.manifest.files['backbone.onnx']).not.toEqual(a.manifest.files['backbone.onnx']);
  });

  it('gives models that ONNX Runtime runs with the contract shapes, heads matching the returned weights', async () => {
    const dir = join(root, 'run');
    const bundle = await writeRandomBundle(dir, {
      dims,
      seed: 5,
      backbone: {
        image: { height: 6, width: 10 },
        instruction: { kind: 'hashed-words', vocabSize: 32, maxTokens: 4 },
        proprio: { size: 2, fields: ['ee_pos_x', 'gripper'] },
      },
    });
    const open = async (f: string) => ort.InferenceSession.create(await readFile(join(dir, f)));
    const B = 2;
    const rng = new SeededRandom(1);
    const backbone = await open('backbone.onnx');
    const image = Uint8Array.from({ length: B * 6 * 10 * 3 }, () => rng.int(256));
    const feats = await backbone.run({
      image: new ort.Tensor('uint8', image, [B, 6, 10, 3]),
      instruction: new ort.Tensor('int64', BigInt64Array.of(3n, 7n, 0n, 0n, 1n, 0n, 0n, 0n), [B, 4]),
      proprio: new ort.Tensor('float32', Float32Array.of(0.1, 1, -0.3, 0), [B, 2]),
    });
    expect(feats.features!.dims).toEqual([B, dims.F]);
    const features = feats.features!.data as Float32Array;

    const draft = await (await open('draft.onnx')).run({ features: new ort.Tensor('float32', features, [B, dims.F]) });
    expect(draft.logits!.dims).toEqual([B, dims.C, dims.H, dims.k, dims.K]);
    const refDraft = draftForward(bundle.headsConfig, bundle.weights.draft, features, B);
    (draft.logits!.data as Float32Array).forEach((v, i) => expect(v).toBeCloseTo(refDraft[i]!, 5));

    const tokens = BigInt64Array.from({ length: B * dims.C * dims.H * dims.L }, () => BigInt(rng.int(dims.K)));
    const main = await (
      await open('main.onnx')
    ).run({
      features: new ort.Tensor('float32', features, [B, dims.F]),
      tokens: new ort.Tensor('int64', tokens, [B, dims.C, dims.H, dims.L]),
    });
    expect(main.logits!.dims).toEqual([B, dims.C, dims.H, dims.L, dims.K]);
    const refMain = mainForward(bundle.headsConfig, bundle.weights.main, features, tokens, B);
    (main.logits!.data as Float32Array).forEach((v, i) => expect(v).toBeCloseTo(refMain[i]!, 5));

    const decoded = await (
      await open('rfsq_decoder.onnx')
    ).run({ tokens: new ort.Tensor('int64', tokens, [B, dims.C, dims.H, dims.L]) });
    expect(decoded.actions!.dims).toEqual([B, dims.C, dims.A]);
    const encoded = await (await open('rfsq_encoder.onnx')).run({ actions: decoded.actions! });
    expect(encoded.tokens!.dims).toEqual([B, dims.C, dims.H, dims.L]);
  });

  it('refuses to replace an existing folder unless asked to', async () => {
    const dir = join(root, 'exists');
    await writeRandomBundle(dir, { dims, seed: 1 });
    const error = await writeRandomBundle(dir, { dims, seed: 2 }).catch((e: unknown) => e);
    expect(HeadsError.isInstance(error) && error.code).toBe('IO_ERROR');
    const replaced = await writeRandomBundle(dir, { dims, seed: 2, overwrite: true });
    const onDisk = JSON.parse(await readFile(join(dir, 'manifest.json'), 'utf8'));
    expect(onDisk.files).toEqual(replaced.manifest.files);
    expect((await readdir(root)).filter((n) => n.startsWith('.'))).toEqual([]);
  });

  it('refuses inconsistent dims by field before writing anything', async () => {
    const dir = join(root, 'bad');
    await expect(writeRandomBundle(dir, { dims: { ...dims, k: 4 }, seed: 1 })).rejects.toThrowError(/draftLayers/);
    expect(await readdir(root)).not.toContain('bad');
  });
});
