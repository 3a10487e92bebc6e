import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BridgeError, type BridgeErrorCode } from '../errors/bridge-error.ts';
import type { LiberoEnv, Observation, RgbImage, SuiteInfo } from '../libero-env.ts';

export interface LiberoEnvContractOptions {
  /** Suite the episode checks use (must be listed by the backend). */
  readonly suite: string;
  /** Task and initial state of the episode checks. Default 0 and 0. */
  readonly taskId?: number;
  readonly initState?: number;
  /** Seed of the episode checks. Default 0. */
  readonly seed?: number;
  /** Steps of the determinism episode. Default 5. */
  readonly steps?: number;
  /** Expected agent-view size, when the backend was configured with one. */
  readonly image?: { readonly width: number; readonly height: number };
  /** Per-test timeout, ms. Default 60 000. */
  readonly timeoutMs?: number;
  /** Steps a held gripper command gets to settle (opening, closing, reopening). Default 40 (real LIBERO: ±0.0392 after 20 steps of −1, ±0.0009 after 20 of +1). */
  readonly gripperSteps?: number;
}

/** LIBERO's finger magnitudes, metres, and how far a backend may be from them. */
const LIBERO_FINGERS = { open: 0.039, openTolerance: 0.002, closedMin: 0.0003, closedMax: 0.0025 } as const;

/**
 * World z of the hand's z axis (robosuite's approach direction) for eeQuat (x, y, z, w): the
 * (2, 2) entry of its rotation matrix, 1 − 2(x² + y²); −1 = the hand points straight down.
 */
function handAxisWorldZ(eeQuat: ArrayLike<number>): number {
  const x = eeQuat[0] ?? 0;
  const y = eeQuat[1] ?? 0;
  return 1 - 2 * (x * x + y * y);
}

/** Left finger ≥ 0, right ≤ 0: LIBERO's signs, which a closing gripper never flips. */
function expectFingerSigns(q: Float64Array, where: string): void {
  expect(q[0], `left finger ${where}`).toBeGreaterThanOrEqual(0);
  expect(q[1], `right finger ${where}`).toBeLessThanOrEqual(0);
}

/** Deterministic actions in [-1, 1] (mulberry32), gripper alternating open/closed every 3 steps. */
function contractActions(count: number, seed: number): number[][] {
  let s = seed >>> 0 || 1;
  const next = () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = Math.imul(s ^ (s >>> 15), 1 | s);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  return Array.from({ length: count }, (_, i) => [
    ...Array.from({ length: 6 }, () => 2 * next() - 1),
    Math.floor(i / 3) % 2 ? 1 : -1,
  ]);
}

async function expectCode(promise: Promise<unknown>, code: BridgeErrorCode): Promise<BridgeError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(BridgeError.isInstance(error), `expected a BridgeError ${code}, got ${String(error)}`).toBe(true);
  expect((error as BridgeError).code, (error as BridgeError).message).toBe(code);
  return error as BridgeError;
}

function expectImage(img: RgbImage | undefined, expected?: { width: number; height: number }): void {
  expect(img).toBeDefined();
  const { width, height, data } = img!;
  expect(Number.isInteger(width) && width > 0 && Number.isInteger(height) && height > 0).toBe(true);
  expect(data).toBeInstanceOf(Uint8Array);
  expect(data.length).toBe(width * height * 3);
  if (expected) expect({ width, height }).toEqual(expected);
}

function expectVector(v: Float64Array, length: number): void {
  expect(v).toBeInstanceOf(Float64Array);
  expect(v.length).toBe(length);
  expect([...v].every(Number.isFinite)).toBe(true);
}

function expectObservation(obs: Observation, expected?: { width: number; height: number }): void {
  expectImage(obs.agentviewRgb, expected);
  if (obs.eyeInHandRgb !== undefined) expectImage(obs.eyeInHandRgb);
  expectVector(obs.eePos, 3);
  expectVector(obs.eeQuat, 4);
  expect(Math.hypot(...obs.eeQuat)).toBeCloseTo(1, 3);
  expectVector(obs.gripperQpos, 2);
}

/** Everything observable about an observation, as plain data (images compared byte for byte). */
function snapshot(obs: Observation) {
  return {
    agentview: Buffer.from(obs.agentviewRgb.data).toString('base64'),
    eyeInHand: obs.eyeInHandRgb && Buffer.from(obs.eyeInHandRgb.data).toString('base64'),
    depth: obs.agentviewDepth && Buffer.from(obs.agentviewDepth.data.buffer).toString('base64'),
    eePos: [...obs.eePos],
    eeQuat: [...obs.eeQuat],
    gripperQpos: [...obs.gripperQpos],
  };
}

/**
 * The contract every LiberoEnv backend must honour, as a vitest suite. `makeEnv` creates a fresh,
 * open environment; the suite closes every environment it creates.
 *
 * ```ts
 * describeLiberoEnvContract('embedded', () => createEmbeddedEnv(), { suite: 'embedded_spatial' });
 * ```
 */
export function describeLiberoEnvContract(
  name: string,
  makeEnv: () => Promise<LiberoEnv>,
  opts: LiberoEnvContractOptions,
): void {
  const taskId = opts.taskId ?? 0;
  const initState = opts.initState ?? 0;
  const seed = opts.seed ?? 0;
  const episode = { suite: opts.suite, taskId, initState, seed };
  const timeout = opts.timeoutMs ?? 60_000;

  describe(`LiberoEnv contract: ${name}`, () => {
    let env: LiberoEnv;
    let suite: SuiteInfo;
    const extra: LiberoEnv[] = [];
    const fresh = async () => {
      const e = await makeEnv();
      extra.push(e);
      return e;
    };

    beforeAll(async () => {
      env = await makeEnv();
      const found = (await env.listSuites()).find((s) => s.name === opts.suite);
      if (found === undefined) throw new Error(`backend ${name} does not list suite ${opts.suite}`);
      suite = found;
    }, timeout);

    afterAll(async () => {
      await Promise.all([env, ...extra].map((e) => e?.close()));
    }, timeout);

    it(
      'names its backend and lists well-formed suites',
      async () => {
        expect(typeof env.backend === 'string' && env.backend.length > 0).toBe(true);
        const suites = await env.listSuites();
        expect(suites.length).toBeGreaterThan(0);
        expect(new Set(suites.map((s) => s.name)).size).toBe(suites.length);
        for (const s of suites) {
          expect(s.tasks.length).toBeGreaterThan(0);
          expect(Number.isInteger(s.maxSteps) && s.maxSteps > 0).toBe(true);
          expect(s.controlHz).toBeGreaterThan(0);
          s.tasks.forEach((t, i) => {
            expect(t.id).toBe(i);
            expect(t.name.length).toBeGreaterThan(0);
            expect(t.instruction.length).toBeGreaterThan(0);
            expect(Number.isInteger(t.numInitStates) && t.numInitStates > 0).toBe(true);
          });
        }
      },
      timeout,
    );

    it(
      'reset returns a well-formed observation',
      async () => {
        expectObservation(await env.reset(episode), opts.image);
      },
      timeout,
    );

    it(
      "observes in LIBERO's conventions at reset: world-frame eePos (z 1.0–1.3 m), hand pointing down in (x, y, z, w), fingers (left +, right −) no wider than LIBERO's open ±0.039",
      async () => {
        const obs = await env.reset(episode);
        expect(obs.eePos[2]).toBeGreaterThan(1.0);
        expect(obs.eePos[2]).toBeLessThan(1.3);
        // robosuite's hand frame: at rest about (1, 0, 0, 0) = 180° about x, its z axis down
        expect(handAxisWorldZ(obs.eeQuat)).toBeLessThan(-0.95);
        expect(Math.abs(obs.eeQuat[0]!)).toBeGreaterThan(0.95);
        // real LIBERO's initial states hold the fingers part open (±0.0208): only signs and width here
        expectFingerSigns(obs.gripperQpos, 'at reset');
        for (const q of obs.gripperQpos) expect(Math.abs(q)).toBeLessThan(LIBERO_FINGERS.open + LIBERO_FINGERS.openTolerance);
      },
      timeout,
    );

    it(
      'gripper −1 opens to about ±0.039, +1 closes on nothing to about ±0.001, −1 reopens; the fingers never change sign',
      async () => {
        await env.reset(episode);
        const settle = opts.gripperSteps ?? 40;
        const hold = async (gripper: number, what: string) => {
          let q: Float64Array = new Float64Array(2);
          for (let i = 0; i < settle; i++) {
            q = (await env.step([0, 0, 0, 0, 0, 0, gripper])).observation.gripperQpos;
            expectFingerSigns(q, `${what}, step ${i + 1}`);
          }
          return q;
        };
        const expectOpen = (q: Float64Array) => {
          for (const v of q) expect(Math.abs(Math.abs(v) - LIBERO_FINGERS.open)).toBeLessThan(LIBERO_FINGERS.openTolerance);
        };
        expectOpen(await hold(-1, 'opening'));
        for (const v of await hold(1, 'closing')) {
          expect(Math.abs(v)).toBeGreaterThan(LIBERO_FINGERS.closedMin);
          expect(Math.abs(v)).toBeLessThan(LIBERO_FINGERS.closedMax);
        }
        expectOpen(await hold(-1, 'reopening'));
      },
      timeout,
    );

    it(
      'step returns an observation, a finite reward and boolean done/success',
      async () => {
        await env.reset(episode);
        for (const action of contractActions(2, seed + 1)) {
          const r = await env.step(action);
          expectObservation(r.observation, opts.image);
          expect(Number.isFinite(r.reward)).toBe(true);
          expect(typeof r.done).toBe('boolean');
          expect(typeof r.success).toBe('boolean');
        }
      },
      timeout,
    );

    it(
      'rejects actions of the wrong length or with NaN/±Infinity (INVALID_ACTION) and stays usable',
      async () => {
        await env.reset(episode);
        const bad = [
          [0, 0, 0, 0, 0, 0],
          [0, 0, 0, 0, 0, 0, 0, 0],
          [0, NaN, 0, 0, 0, 0, 0],
          [0, 0, 0, Infinity, 0, 0, 0],
          [0, 0, 0, 0, 0, 0, -Infinity],
        ];
        for (const action of bad) await expectCode(env.step(action), 'INVALID_ACTION');
        expectObservation((await env.step([0, 0, 0, 0, 0, 0, -1])).observation, opts.image);
      },
      timeout,
    );

    it(
      'rejects an unknown suite, task or initial state with its code and stays usable',
      async () => {
        await expectCode(env.reset({ ...episode, suite: `${opts.suite}_does_not_exist` }), 'UNKNOWN_SUITE');
        await expectCode(env.reset({ ...episode, taskId: suite.tasks.length }), 'UNKNOWN_TASK');
        await expectCode(env.reset({ ...episode, taskId: -1 }), 'UNKNOWN_TASK');
        const task = suite.tasks[taskId]!;
        await expectCode(env.reset({ ...episode, initState: task.numInitStates }), 'UNKNOWN_INIT_STATE');
        await expectCode(env.reset({ ...episode, initState: -1 }), 'UNKNOWN_INIT_STATE');
        expectObservation(await env.reset(episode), opts.image);
      },
      timeout,
    );

    it(
      'rejects step before any reset (EPISODE_NOT_STARTED)',
      async () => {
        await expectCode((await fresh()).step([0, 0, 0, 0, 0, 0, -1]), 'EPISODE_NOT_STARTED');
      },
      timeout,
    );

    it(
      'same reset and actions give identical observations, in one environment and in a fresh one',
      async () => {
        const actions = contractActions(opts.steps ?? 5, seed + 7);
        const run = async (e: LiberoEnv) => {
          const out: unknown[] = [snapshot(await e.reset(episode))];
          for (const a of actions) {
            const r = await e.step(a);
            out.push({ ...snapshot(r.observation), reward: r.reward, done: r.done, success: r.success });
            if (r.done) break;
          }
          return out;
        };
        const first = await run(env);
        expect(await run(env)).toEqual(first);
        expect(await run(await fresh())).toEqual(first);
      },
      timeout,
    );

    it(
      'close is idempotent and every later call rejects with ENV_CLOSED',
      async () => {
        const e = await fresh();
        await e.reset(episode);
        await Promise.all([e.close(), e.close()]);
        await e.close();
        await expectCode(e.listSuites(), 'ENV_CLOSED');
        await expectCode(e.reset(episode), 'ENV_CLOSED');
        await expectCode(e.step([0, 0, 0, 0, 0, 0, -1]), 'ENV_CLOSED');
      },
      timeout,
    );
  });
}
