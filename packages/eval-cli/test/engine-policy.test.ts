import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Observation } from '@rsd/libero-bridge';
import type { EnginePolicy } from '../src/policy/engine-policy.ts';
import { loadEngine } from '@rsd/rsd-engine';
import { EnginePolicy as Policy } from '../src/policy/engine-policy.ts';
import { loadEnginePolicy } from '../src/policy/load-engine-policy.ts';
import { tempDir, tinyBundle } from './fixtures.ts';

// The engine-backed policy on a real (random-weight) bundle and ONNX Runtime.
const root = tempDir('policy');
let bundle = '';
let withHead = '';
const policies: EnginePolicy[] = [];
const load = async (acceptance: string, bundleDir = bundle) => {
  const p = await loadEnginePolicy({ bundleDir, acceptance, draftLayers: undefined, intraOpThreads: 1, log: () => {} });
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
  withHead = await tinyBundle(root, { continuous: true });
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

  it('continuous mode runs the teacher head: the engine\'s actions, no tokens, zero decoding statistics, the head as the decode stage', async () => {
    const p = await load('exact', withHead);
    const req = { observation: obs(3), instruction: 'pick up the black bowl', seed: 1 };
    const c = await p.act({ ...req, mode: 'continuous' });
    const engine = await loadEngine(withHead, { intraOpNumThreads: 1, interOpNumThreads: 1, log: () => {} });
    try {
      const want = await engine.predictContinuous({ images: [req.observation.agentviewRgb], instructions: [req.instruction] });
      expect([...c.actions]).toEqual([...want.actions]);
    } finally {
      await engine.close();
    }
    expect(c.actions).toHaveLength(8 * 7);
    expect(c.tokens).toHaveLength(0);
    expect(c.stats).toMatchObject({ proposedLayers: 0, acceptedLayers: 0, fullyAccepted: 0, partiallyAccepted: 0, rejected: 0, mainPasses: 0, draftPasses: 0, layersDecidedPerPass: [], maxPositionRejections: 0 });
    expect(c.stats.layerChecks.main.tokensChecked).toEqual([0, 0, 0, 0]);
    const t = c.stats.timings;
    expect([t.draftMs, t.verifyMs, t.autoregressiveMs]).toEqual([0, 0, 0]);
    expect(t.decodeMs).toBeGreaterThan(0);
    expect(t.totalMs).toBeGreaterThanOrEqual(t.backboneMs + t.decodeMs - 1e-9);
    // the token modes of the same bundle are unaffected by the head
    const b = await p.act({ ...req, mode: 'baseline' });
    expect([...b.tokens]).toEqual([...(await (await load('exact')).act({ ...req, mode: 'baseline' })).tokens]);
  });

  it('continuous mode on a bundle without continuous.onnx is an error naming the file', async () => {
    const p = await load('exact');
    await expect(p.act({ observation: obs(1), instruction: 'x', mode: 'continuous', seed: 0 })).rejects.toThrow(/ships no continuous\.onnx/);
  });

  it('warms the continuous head up when the engine has it', async () => {
    const calls: string[] = [];
    const engine = await loadEngine(withHead, { intraOpNumThreads: 1, interOpNumThreads: 1, log: () => {} });
    const spy = new Proxy(engine, {
      get(target, prop, receiver) {
        const v = Reflect.get(target, prop, receiver) as unknown;
        if (prop === 'predict') return (o: unknown, opts: { mode: string }) => (calls.push(opts.mode), engine.predict(o as never, opts as never));
        if (prop === 'predictContinuous') return (o: unknown) => (calls.push('continuous'), engine.predictContinuous(o as never));
        return typeof v === 'function' ? (v as (...a: unknown[]) => unknown).bind(target) : v;
      },
    });
    const p = new Policy(spy, { acceptance: { kind: 'exact' } });
    await p.warmUp();
    await p.close();
    expect(calls).toEqual(['baseline', 'rsd', 'jacobi', 'continuous']);
  });

  it('refuses an image of another size than the backbone takes, naming both', async () => {
    const p = await load('exact');
    await expect(p.act({ observation: obs(1, 16), instruction: 'x', mode: 'rsd', seed: 0 })).rejects.toThrow(/renders 16x16 images but the bundle's backbone takes 32x32/);
  });
});
