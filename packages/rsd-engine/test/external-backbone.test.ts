import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { writeRandomBundle } from '@rsd/heads/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bundleContracts, loadEngine, readBundle, RsdError, type RsdEngine } from '../src/index.ts';

// A bundle whose backbone lives outside (manifest backbone.kind = "external"): no backbone.onnx,
// features arrive with each observation and are decoded by predictFromFeatures.
const dims = { C: 2, A: 3, H: 2, L: 3, K: 4, F: 6, k: 2 };
const backbone = { kind: 'external', provider: 'test:stand-in', F: 6 } as const;
let root: string;
let dir: string;
let engine: RsdEngine;

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'rsd-engine-external-'));
  dir = join(root, 'b');
  await writeRandomBundle(dir, { dims, seed: 3, backbone });
  engine = await loadEngine(dir, { log: () => {}, executionProviders: ['cpu'] });
});
afterAll(async () => {
  await engine.close();
  await rm(root, { recursive: true, force: true });
});

describe('a bundle with an external backbone', () => {
  it('has no backbone.onnx, reads and loads without one', async () => {
    expect(existsSync(join(dir, 'backbone.onnx'))).toBe(false);
    const b = await readBundle(dir);
    expect(Object.keys(b.models).sort()).toEqual(['draft.onnx', 'main.onnx', 'rfsq_decoder.onnx', 'rfsq_encoder.onnx']);
    expect(Object.keys(bundleContracts(b.manifest))).not.toContain('backbone.onnx');
    expect(engine.executionProviders['backbone.onnx']).toBeUndefined();
  });

  it('predictFromFeatures decodes; exact rsd and jacobi equal baseline', async () => {
    const features = Float32Array.from({ length: 3 * dims.F }, (_, i) => Math.sin(i));
    const base = await engine.predictFromFeatures(features, 3, { mode: 'baseline', acceptance: { kind: 'exact' } });
    expect(base.actions).toHaveLength(3 * dims.C * dims.A);
    for (const mode of ['rsd', 'jacobi'] as const) {
      const r = await engine.predictFromFeatures(features, 3, { mode, acceptance: { kind: 'exact' } });
      expect(Array.from(r.tokens)).toEqual(Array.from(base.tokens));
    }
  });

  it('predict(observations) and computeFeatures are clear errors naming the provider and predictFromFeatures', async () => {
    const obs = { images: [{ width: 2, height: 2, data: new Uint8Array(12) }], instructions: ['x'] };
    for (const call of [() => engine.predict(obs, { mode: 'baseline', acceptance: { kind: 'exact' } }), () => engine.computeFeatures(obs)]) {
      const e = await call().then(() => undefined, (x: unknown) => x);
      expect(RsdError.isInstance(e) && e.code).toBe('INVALID_OPTIONS');
      expect((e as Error).message).toMatch(/external backbone.*test:stand-in.*predictFromFeatures/);
    }
  });

  it('a manifest that lists backbone.onnx for an external backbone is refused by name', async () => {
    const bad = join(root, 'bad');
    await writeRandomBundle(bad, { dims, seed: 3, backbone });
    const m = JSON.parse(await readFile(join(bad, 'manifest.json'), 'utf8'));
    m.files['backbone.onnx'] = { sha256: '0'.repeat(64) };
    await writeFile(join(bad, 'manifest.json'), JSON.stringify(m));
    const e = await readBundle(bad).then(() => undefined, (x: unknown) => x);
    expect(RsdError.isInstance(e) && e.code).toBe('BUNDLE_INVALID_MANIFEST');
    expect((e as Error).message).toMatch(/files\["backbone.onnx"\].*external/);
  });
});
