import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { hashInstruction } from '@rsd/heads';
import { writeRandomBundle } from '@rsd/heads/testing';
import * as ort from 'onnxruntime-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadEngine, type RsdEngine } from '../src/index.ts';
import { syntheticObservations } from '../src/testing/synthetic-observations.ts';

const dims = { C: 2, A: 3, H: 2, L: 3, K: 4, F: 5, k: 2 };
const backbone = {
  image: { height: 6, width: 5 },
  instruction: { kind: 'hashed-words', vocabSize: 32, maxTokens: 6 },
  proprio: { size: 4, fields: ['eePos', 'gripperQpos'] },
} as const;
let root: string;
let dir: string;
let engine: RsdEngine;

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'rsd-engine-obs-'));
  dir = join(root, 'b');
  await writeRandomBundle(dir, { dims, seed: 9, backbone });
  engine = await loadEngine(dir, { log: () => {}, executionProviders: ['cpu'] });
});
afterAll(async () => {
  await engine.close();
  await rm(root, { recursive: true, force: true });
});

describe('predict from observations', () => {
  it('feeds backbone.onnx the images, hashInstruction word ids and proprio in order', async () => {
    const obs = syntheticObservations(engine.manifest, 3, { seed: 4 });
    expect(obs.proprio).toHaveLength(3);
    const features = await engine.computeFeatures(obs);
    const session = await ort.InferenceSession.create(join(dir, 'backbone.onnx'));
    const image = new Uint8Array(3 * 6 * 5 * 3);
    obs.images.forEach((img, b) => image.set(img.data, b * 90));
    const ids = new BigInt64Array(3 * 6);
    obs.instructions.forEach((t, b) => ids.set(hashInstruction(t, { vocabSize: 32, maxTokens: 6 }), b * 6));
    const proprio = new Float32Array(12);
    obs.proprio!.forEach((p, b) => proprio.set(p, b * 4));
    const out = await session.run({
      image: new ort.Tensor('uint8', image, [3, 6, 5, 3]),
      instruction: new ort.Tensor('int64', ids, [3, 6]),
      proprio: new ort.Tensor('float32', proprio, [3, 4]),
    });
    await session.release();
    expect(features).toEqual(out.features!.data);
  });

  it('predict equals predictFromFeatures of the backbone features, with the backbone timed', async () => {
    const obs = syntheticObservations(engine.manifest, 2, { seed: 5 });
    const opts = { mode: 'rsd', acceptance: { kind: 'exact' } } as const;
    const a = await engine.predict(obs, opts);
    const b = await engine.predictFromFeatures(await engine.computeFeatures(obs), 2, opts);
    expect(a.tokens).toEqual(b.tokens);
    expect(a.actions).toEqual(b.actions);
    expect(a.stats.timings.backboneMs).toBeGreaterThan(0);
    expect(b.stats.timings.backboneMs).toBe(0);
  });

  it('refuses missing or wrong-sized proprio naming the fields', async () => {
    const obs = syntheticObservations(engine.manifest, 1, { seed: 6 });
    await expect(engine.predict({ images: obs.images, instructions: obs.instructions }, { mode: 'baseline', acceptance: { kind: 'exact' } })).rejects.toMatchObject({
      code: 'INVALID_INPUT',
      message: /eePos, gripperQpos/,
    });
    await expect(
      engine.predict({ ...obs, proprio: [new Float32Array(3)] }, { mode: 'baseline', acceptance: { kind: 'exact' } }),
    ).rejects.toMatchObject({ code: 'INVALID_INPUT', subject: 'observations.proprio[0]' });
  });

  it('encodeActions runs the RFSQ encoder: int32 [B, C, H, L] codes in range', async () => {
    const r = await engine.predictFromFeatures(new Float32Array(dims.F).fill(0.3), 1, { mode: 'baseline', acceptance: { kind: 'exact' } });
    const tokens = await engine.encodeActions(r.actions, 1);
    expect(tokens).toHaveLength(dims.C * dims.H * dims.L);
    expect(tokens.every((t) => t >= 0 && t < dims.K)).toBe(true);
  });
});
