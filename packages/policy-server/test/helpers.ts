import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { writeRandomBundle } from '@rsd/heads/testing';
import { loadEngine, type RsdEngine } from '@rsd/rsd-engine';
import { NdArray, type WireValue } from '../src/index.ts';

/** A tiny bundle shaped like the shipped one: agent view, hashed instruction, proprio eePos ‖ gripperQpos (5). */
export const DIMS = { C: 4, A: 7, H: 3, L: 4, K: 5, F: 16, k: 3 };
export const BACKBONE = {
  image: { height: 6, width: 5 },
  instruction: { kind: 'hashed-words', vocabSize: 32, maxTokens: 6 },
  proprio: { size: 5, fields: ['eePos', 'gripperQpos'] },
} as const;

export interface TestBundle {
  readonly root: string;
  readonly dir: string;
  readonly engine: RsdEngine;
  dispose(): Promise<void>;
}

export async function tinyBundle(seed: number, backbone: Parameters<typeof writeRandomBundle>[1]['backbone'] = BACKBONE): Promise<TestBundle> {
  const root = await mkdtemp(join(tmpdir(), 'rsd-policy-server-'));
  const dir = join(root, 'bundle');
  await writeRandomBundle(dir, { dims: DIMS, seed, backbone, name: `tiny-${seed}` });
  const engine = await loadEngine(dir, { log: () => {}, executionProviders: ['cpu'], intraOpNumThreads: 1 });
  return {
    root,
    dir,
    engine,
    dispose: async () => {
      await engine.close();
      await rm(root, { recursive: true, force: true });
    },
  };
}

/** mulberry32: deterministic test data. */
export function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** An observation as openpi's LIBERO example sends it (image h×w, state of 8 float64, prompt). */
export function liberoObservation(seed: number, h = 12, w = 10): Record<string, WireValue> {
  const r = rng(seed);
  const image = Uint8Array.from({ length: h * w * 3 }, () => Math.floor(r() * 256));
  const state = Float64Array.from({ length: 8 }, () => r() * 2 - 1);
  return {
    'observation/image': NdArray.from(image, [h, w, 3]),
    'observation/wrist_image': NdArray.from(image.slice().reverse(), [h, w, 3]),
    'observation/state': NdArray.from(state),
    prompt: ['pick up the black bowl next to the plate and place it on the plate', 'pick up the black bowl on the stove and place it on the plate'][seed % 2]!,
  };
}
