import type { EmbeddedEnv } from '../embedded/embedded-env.ts';
import { EMBEDDED_SPATIAL } from '../embedded/embedded-spatial-suite.ts';
import { drawInitState } from '../embedded/init-states.ts';
import { mixSeed } from '../embedded/prng.ts';
import { BridgeError } from '../errors/bridge-error.ts';
import { ScriptedExpert } from '../expert/scripted-expert.ts';
import type { Observation } from '../libero-env.ts';
import { quatToAxisAngle, type DemoEpisode } from './demo-episode.ts';

export interface CollectOptions {
  readonly taskId: number;
  /** Successful demonstrations wanted. */
  readonly episodes: number;
  /** Seed of the training initial-state stream and the expert. Default 0. */
  readonly seed?: number;
  /** Skip this many draws of the stream (keeps batches of demos apart). Default 0. */
  readonly initOffset?: number;
  /** Give up after this many failed expert episodes. Default max(5, episodes / 5). */
  readonly maxFailures?: number;
}

/** Index `k` of the demo stream → (training init seed, expert seed). */
export function demoSeeds(seed: number, taskId: number, k: number): { trainSeed: number; expertSeed: number } {
  return { trainSeed: mixSeed(seed, k), expertSeed: mixSeed(seed, taskId, k, 0xe) };
}

/**
 * Records one scripted-expert episode from a training initial state. Returns the demo if the
 * expert succeeded within the suite's step limit, else undefined.
 */
export async function recordEpisode(env: EmbeddedEnv, taskId: number, trainSeed: number, expertSeed: number): Promise<DemoEpisode | undefined> {
  const init = drawInitState(taskId, trainSeed);
  let obs: Observation = await env.resetTo(init, expertSeed);
  const expert = new ScriptedExpert(expertSeed);
  const actions: number[] = [];
  const frames: Uint8Array[] = [];
  const wrist: Uint8Array[] = [];
  const eePos: number[] = [];
  const eeOri: number[] = [];
  const eeQuat: number[] = [];
  const grip: number[] = [];
  const states: Float64Array[] = [];
  for (let t = 0; t < EMBEDDED_SPATIAL.maxSteps; t++) {
    const action = expert.act(env.sceneState());
    frames.push(obs.agentviewRgb.data);
    if (obs.eyeInHandRgb) wrist.push(obs.eyeInHandRgb.data);
    eePos.push(...obs.eePos);
    const [x = 0, y = 0, z = 0, w = 1] = obs.eeQuat;
    eeQuat.push(x, y, z, w);
    eeOri.push(...quatToAxisAngle(x, y, z, w));
    grip.push(...obs.gripperQpos);
    states.push(env.physicsState());
    actions.push(...action);
    const r = await env.step(action);
    obs = r.observation;
    if (r.success) {
      const T = frames.length;
      const flat = (parts: Uint8Array[]) => {
        const out = new Uint8Array(parts.reduce((s, p) => s + p.length, 0));
        let o = 0;
        for (const p of parts) {
          out.set(p, o);
          o += p.length;
        }
        return out;
      };
      const stateDim = states[0]?.length ?? 0;
      const st = new Float64Array(T * stateDim);
      states.forEach((s, i) => st.set(s, i * stateDim));
      const last = (n: number) => {
        const a = new Uint8Array(n);
        a[n - 1] = 1;
        return a;
      };
      return {
        actions: Float64Array.from(actions),
        agentviewRgb: flat(frames),
        ...(wrist.length ? { eyeInHandRgb: flat(wrist) } : {}),
        eePos: Float64Array.from(eePos),
        eeOri: Float64Array.from(eeOri),
        eeQuat: Float64Array.from(eeQuat),
        gripperStates: Float64Array.from(grip),
        states: st,
        rewards: last(T),
        dones: last(T),
        initOrigin: init.origin,
        expertSeed,
      };
    }
  }
  return undefined;
}

/**
 * Collects `episodes` successful demonstrations of a task, drawing training initial states
 * `initOffset, initOffset + 1, …` of the seed's stream (never the evaluation states). Failed
 * expert episodes are skipped and counted; too many is an error (never a short file in silence).
 */
export async function collectDemos(
  env: EmbeddedEnv,
  options: CollectOptions,
  onDemo: (demo: DemoEpisode, index: number) => void,
): Promise<{ demos: number; failures: number; draws: number }> {
  const seed = options.seed ?? 0;
  const offset = options.initOffset ?? 0;
  const maxFailures = options.maxFailures ?? Math.max(5, Math.ceil(options.episodes / 5));
  let demos = 0;
  let failures = 0;
  let k = offset;
  while (demos < options.episodes) {
    const { trainSeed, expertSeed } = demoSeeds(seed, options.taskId, k++);
    const demo = await recordEpisode(env, options.taskId, trainSeed, expertSeed);
    if (demo === undefined) {
      if (++failures > maxFailures) {
        throw new BridgeError('SIMULATION_FAILED', `the expert failed ${failures} times on task ${options.taskId}; stopping`, { subject: `task ${options.taskId}` });
      }
      continue;
    }
    onDemo(demo, demos++);
  }
  return { demos, failures, draws: k - offset };
}
