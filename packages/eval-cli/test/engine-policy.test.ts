import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Observation } from '@rsd/libero-bridge';
import type { EnginePolicy } from '../src/policy/engine-policy.ts';
import { loadEnginePolicy } from '../src/policy/load-engine-policy.ts';
import { tempDir, tinyBundle } from './fixtures.ts';

// The engine-backed policy on a real (random-weight) bundle and ONNX Runtime.
const root = tempDir('policy');
let bundle = '';
const policies: EnginePolicy[] = [];
const load = async (acceptance: string) => {
  const p = await loadEnginePolicy({ bundleDir: bundle, acceptance, draftLayers: undefined, intraOpThreads: 1, log: () => {} });
  policies.push(p);
  return p;
};
const obs = (fill: number, size = 32): Observation => ({
  agentviewRgb: { width: size, height: size, data: new Uint8Array(size * size * 3).map((_, i) => (i * 7 + fill) % 256) },
  eePos: new Float64Array(3),
  eeQuat: new Float64Array(4),
  gripperQpos: new Float64Array(2),
});

beforeAll(async () => {
  bundle = await tinyBundle(root);
}, 60_000);
afterAll(async () => {
  await Promise.all(policies.map((p) => p.close()));
});

describe('EnginePolicy', () => {
  it('returns a [C, A] chunk and [C, H, L] tokens; exact RSD equals baseline', async () => {
    const p = await load('exact');
    const req = { observation: obs(3), instruction: 'pick up the black bowl', seed: 1 };
    const a = await p.act({ ...req, mode: 'baseline' });
    const b = await p.act({ ...req, mode: 'rsd' });
    expect(a.actions).toHaveLength(8 * 7);
    expect(a.tokens).toHaveLength(8 * 4 * 4);
    expect(a.stats.proposedLayers).toBe(0);
    expect(b.stats.proposedLayers).toBe(2);
    expect([...b.tokens]).toEqual([...a.tokens]);
    expect([...b.actions]).toEqual([...a.actions]);
  });

  it('under sample acceptance, a chunk depends on its request seed, not on the calls before it', async () => {
    const p1 = await load('sample:1.5:9');
    const p2 = await load('sample:1.5:9');
    const r = (seed: number) => ({ observation: obs(5), instruction: 'put it on the plate', mode: 'rsd' as const, seed });
    const first = [await p1.act(r(11)), await p1.act(r(12))];
    const second = [await p2.act(r(12)), await p2.act(r(11))];
    expect([...first[1]!.tokens]).not.toEqual([...first[0]!.tokens]);
    expect([...second[1]!.tokens]).toEqual([...first[0]!.tokens]);
    expect([...second[0]!.tokens]).toEqual([...first[1]!.tokens]);
  });

  it('refuses an image of another size than the backbone takes, naming both', async () => {
    const p = await load('exact');
    await expect(p.act({ observation: obs(1, 16), instruction: 'x', mode: 'rsd', seed: 0 })).rejects.toThrow(/renders 16x16 images but the bundle's backbone takes 32x32/);
  });
});
