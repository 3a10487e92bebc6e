import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BridgeError } from '../errors/bridge-error.ts';
import { EmbeddedEnv, createEmbeddedEnv } from './embedded-env.ts';
import { EMBEDDED_SPATIAL } from './embedded-spatial-suite.ts';
import { drawInitState, validationInitState } from './init-states.ts';
import { liveSimulationCount } from './simulation.ts';
import { FINGER_ANCHORS, FINGER_MAP, LIBERO_FRAME, toLiberoFingers } from './libero-frame.ts';

const episode = { suite: 'embedded_spatial', taskId: 3, initState: 7, seed: 0 };

describe('EmbeddedEnv', () => {
  let env: EmbeddedEnv;
  beforeAll(async () => {
    env = await createEmbeddedEnv({ imageSize: { width: 48, height: 32 }, eyeInHand: true, depth: true });
  });
  afterAll(() => env.close());

  it('lists the one embedded suite with the LIBERO-Spatial instructions', async () => {
    const [suite] = await env.listSuites();
    expect(suite).toBe(EMBEDDED_SPATIAL);
    expect(suite?.tasks).toHaveLength(10);
    expect(suite?.tasks[0]?.instruction).toBe('pick up the black bowl between the plate and the ramekin and place it on the plate');
    expect(suite?.tasks[4]?.instruction).toBe('pick up the black bowl in the top drawer of the wooden cabinet and place it on the plate');
  });

  it('observes images of the configured size, depth, and the hand state', async () => {
    const obs = await env.reset(episode);
    expect(obs.agentviewRgb).toMatchObject({ width: 48, height: 32 });
    expect(obs.agentviewRgb.data).toHaveLength(48 * 32 * 3);
    expect(obs.eyeInHandRgb?.data).toHaveLength(48 * 32 * 3);
    const depth = obs.agentviewDepth!;
    expect(depth.data).toHaveLength(48 * 32);
    // the table fills the lower half of the view: finite depths within a metre or two
    const bottom = depth.data[31 * 48 + 24]!;
    expect(bottom).toBeGreaterThan(0.3);
    expect(bottom).toBeLessThan(2);
    // LIBERO's scale and signs: open (+0.039, −0.039); robosuite's hand frame: at rest (1, 0, 0, 0) in (x, y, z, w)
    expect([...obs.gripperQpos]).toEqual([expect.closeTo(0.039, 6), expect.closeTo(-0.039, 6)]);
    expect([...obs.eeQuat]).toEqual([1, 0, 0, 0].map((v) => expect.closeTo(v, 3)));
  });

  it("observes in LIBERO's world frame: eePos z at reset 1.0–1.3 m (table top 0.9 m), fingers (+, −)", async () => {
    for (const taskId of [0, 4, 9]) {
      const obs = await env.reset({ ...episode, taskId });
      expect(obs.eePos[2]).toBeGreaterThan(1.0);
      expect(obs.eePos[2]).toBeLessThan(1.3);
      expect(obs.gripperQpos[0]).toBeGreaterThan(0);
      expect(obs.gripperQpos[1]).toBeLessThan(0);
      // the privileged scene state keeps the scene's own frame (table top z = 0, raw slides)
      const s = env.sceneState();
      expect(obs.eePos[2]! - s.ee.pos[2]).toBeCloseTo(LIBERO_FRAME.sceneOrigin[2], 12);
      expect(s.fingers).toEqual([FINGER_ANCHORS.open.embedded, FINGER_ANCHORS.open.embedded]);
      expect([...obs.gripperQpos]).toEqual([...toLiberoFingers(s.fingers)]);
    }
  });

  it('renders upright and unmirrored: far rows on top, the cabinet (robot\'s left, +y) on the right', async () => {
    const obs = await env.reset({ ...episode, taskId: 4, initState: 0 });
    const { width: W, height: H, data } = obs.agentviewDepth!;
    const at = (r: number, c: number) => data[r * W + c]!;
    expect(at(0, W >> 1)).toBeGreaterThan(at(H - 1, W >> 1));
    let right = 0;
    let left = 0;
    for (let r = 0; r < H; r++) {
      for (let c = 0; c < W >> 1; c++) {
        const d = at(r, W - 1 - c) - at(r, c);
        if (d < -0.05) right++;
        if (d > 0.05) left++;
      }
    }
    expect(right).toBeGreaterThan(3 * left + 5);
  });

  it('moves the hand by 0.05 m per action unit and closes the fingers for gripper +1', async () => {
    const start = await env.reset(episode);
    let obs = start;
    for (let i = 0; i < 4; i++) obs = (await env.step([0.2, 0, 0, 0, 0, 0, 1])).observation;
    expect(obs.eePos[0]! - start.eePos[0]!).toBeCloseTo(4 * 0.2 * 0.05, 2);
    expect(Math.abs(obs.eePos[1]! - start.eePos[1]!)).toBeLessThan(0.003);
    expect(obs.gripperQpos[0]).toBeLessThan(start.gripperQpos[0]! - 0.02 * FINGER_MAP.scale); // 2 cm of slide
  });

  it('turns the hand by 0.5 rad per unit of dyaw', async () => {
    await env.reset(episode);
    const { observation } = await env.step([0, 0, 0, 0, 0, 0.4, -1]);
    // Rz(yaw) ⊗ Rx(180°) in (x, y, z, w) is (cos yaw/2, sin yaw/2, 0, 0)
    const [x, y, z, w] = observation.eeQuat;
    expect(2 * Math.atan2(y!, x!)).toBeCloseTo(0.2, 1);
    expect(Math.hypot(z!, w!)).toBeLessThan(1e-3);
  });

  it('gives bit-identical observations for the same reset and actions', async () => {
    const run = async () => {
      const frames = [Buffer.from((await env.reset(episode)).agentviewRgb.data)];
      for (let i = 0; i < 6; i++) frames.push(Buffer.from((await env.step([0.3, -0.2, -0.5, 0, 0, 0.1, i > 2 ? 1 : -1])).observation.agentviewRgb.data));
      return frames.map((f) => f.toString('base64'));
    };
    const first = await run();
    expect(await run()).toEqual(first);
    expect(new Set(first).size).toBeGreaterThan(1);
  });

  it('starts from a training draw through resetTo', async () => {
    const a = await env.resetTo(drawInitState(2, 11));
    const b = await env.reset({ ...episode, taskId: 2, initState: 0 });
    expect(Buffer.from(a.agentviewRgb.data).equals(Buffer.from(b.agentviewRgb.data))).toBe(false);
  });

  it('initStates validation: reset(i) starts from validation state i, not evaluation state i', async () => {
    const val = await createEmbeddedEnv({ imageSize: 16, initStates: 'validation' });
    const fixedEnv = await createEmbeddedEnv({ imageSize: 16 });
    try {
      const v = await val.reset({ ...episode, taskId: 2, initState: 5 });
      const direct = await val.resetTo(validationInitState(2, 5), episode.seed);
      const fixed = await fixedEnv.reset({ ...episode, taskId: 2, initState: 5 });
      expect(v.agentviewRgb.data.length).toBe(16 * 16 * 3);
      expect(Buffer.from(v.agentviewRgb.data).equals(Buffer.from(direct.agentviewRgb.data))).toBe(true);
      expect(v.eePos).toEqual(direct.eePos);
      expect(Buffer.from(v.agentviewRgb.data).equals(Buffer.from(fixed.agentviewRgb.data))).toBe(false);
    } finally {
      await val.close();
      await fixedEnv.close();
    }
  });

  it('rejects a step before reset and everything after close', async () => {
    const fresh = await createEmbeddedEnv({ imageSize: 16 });
    await expect(fresh.step([0, 0, 0, 0, 0, 0, 0])).rejects.toMatchObject({ code: 'EPISODE_NOT_STARTED' });
    await fresh.close();
    await fresh.close();
    const err = await fresh.reset(episode).catch((e: unknown) => e);
    expect(BridgeError.isInstance(err) && err.code === 'ENV_CLOSED').toBe(true);
  });

  it('rejects a bad image size with a RangeError naming it', async () => {
    await expect(createEmbeddedEnv({ imageSize: 0 })).rejects.toThrow(/width/);
  });
});

describe('EmbeddedEnv memory', () => {
  it('keeps the WebAssembly heap flat over 300 resets and 10 create/close cycles', async () => {
    const before = liveSimulationCount();
    const env = await createEmbeddedEnv({ imageSize: 16 });
    for (let i = 0; i < 20; i++) await env.reset({ ...episode, initState: i });
    const heap = env.heapBytes();
    for (let i = 0; i < 300; i++) await env.reset({ ...episode, taskId: i % 10, initState: i % 50 });
    expect(env.heapBytes()).toBe(heap);
    expect(liveSimulationCount()).toBe(before + 1);
    await env.close();
    expect(liveSimulationCount()).toBe(before);
    // an undisposed model + data is megabytes: ten leaked ones would grow the heap
    for (let i = 0; i < 10; i++) await (await createEmbeddedEnv({ imageSize: 16 })).close();
    const probe = await createEmbeddedEnv({ imageSize: 16 });
    expect(probe.heapBytes()).toBe(heap);
    await probe.close();
    expect(liveSimulationCount()).toBe(before);
  });
});
