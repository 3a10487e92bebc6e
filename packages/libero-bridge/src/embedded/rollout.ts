import { createHash } from 'node:crypto';
import { ScriptedExpert } from '../expert/scripted-expert.ts';
import type { Observation } from '../libero-env.ts';
import { EMBEDDED_SPATIAL } from './embedded-spatial-suite.ts';
import { EmbeddedEnv } from './embedded-env.ts';
import { drawInitState, fixedInitState, type InitState } from './init-states.ts';
import { loadMujocoModule } from './mujoco-runtime.ts';
import { SpatialScene } from './spatial-scene.ts';
import { isSuccess } from './success.ts';

/** One scripted-expert episode to run. */
export interface RolloutJob {
  readonly taskId: number;
  /** A fixed (evaluation) initial state index, or … */
  readonly initState?: number;
  /** … a training draw (`drawInitState(taskId, trainSeed)`). Exactly one of the two. */
  readonly trainSeed?: number;
  readonly expertSeed: number;
  /** Step limit. Default: the suite's 220. */
  readonly maxSteps?: number;
}

export interface RolloutOptions {
  /** Render the agent view every step (square size). Omit or 0 to run physics only. */
  readonly imageSize?: number;
}

export interface RolloutResult {
  readonly taskId: number;
  readonly origin: string;
  readonly success: boolean;
  readonly steps: number;
  /** sha256 over every observation (images, ee pose, fingers) and action of the episode. */
  readonly digest: string;
}

export function jobInitState(job: RolloutJob): InitState {
  if ((job.initState === undefined) === (job.trainSeed === undefined)) {
    throw new TypeError('a rollout job needs exactly one of initState and trainSeed');
  }
  return job.initState !== undefined ? fixedInitState(job.taskId, job.initState) : drawInitState(job.taskId, job.trainSeed ?? 0);
}

function hashObservation(hash: ReturnType<typeof createHash>, obs: Observation): void {
  hash.update(obs.agentviewRgb.data);
  if (obs.eyeInHandRgb) hash.update(obs.eyeInHandRgb.data);
  hash.update(new Uint8Array(obs.eePos.buffer, obs.eePos.byteOffset, obs.eePos.byteLength));
  hash.update(new Uint8Array(obs.eeQuat.buffer, obs.eeQuat.byteOffset, obs.eeQuat.byteLength));
  hash.update(new Uint8Array(obs.gripperQpos.buffer, obs.gripperQpos.byteOffset, obs.gripperQpos.byteLength));
}

/**
 * Runs scripted-expert episodes in this thread, one environment for all of them (so memory use
 * is one model). With `imageSize`, every step renders through the full `EmbeddedEnv`; without,
 * only physics runs and the digest covers the physics state.
 */
export async function runRollouts(jobs: readonly RolloutJob[], options: RolloutOptions = {}): Promise<RolloutResult[]> {
  const results: RolloutResult[] = [];
  if (options.imageSize) {
    const env = await EmbeddedEnv.create({ imageSize: options.imageSize });
    try {
      for (const job of jobs) {
        const init = jobInitState(job);
        const hash = createHash('sha256');
        const expert = new ScriptedExpert(job.expertSeed);
        hashObservation(hash, await env.resetTo(init));
        let success = env.succeeded;
        let steps = 0;
        const limit = job.maxSteps ?? EMBEDDED_SPATIAL.maxSteps;
        while (!success && steps < limit) {
          const action = expert.act(env.sceneState());
          hash.update(new Uint8Array(action.buffer));
          const r = await env.step(action);
          hashObservation(hash, r.observation);
          success = r.success;
          steps++;
        }
        results.push({ taskId: job.taskId, origin: init.origin, success, steps, digest: hash.digest('hex') });
      }
    } finally {
      await env.close();
    }
    return results;
  }
  const scene = SpatialScene.create(await loadMujocoModule());
  try {
    for (const job of jobs) {
      const init = jobInitState(job);
      const hash = createHash('sha256');
      const expert = new ScriptedExpert(job.expertSeed);
      scene.reset(init);
      let success = isSuccess(scene.state());
      let steps = 0;
      const limit = job.maxSteps ?? EMBEDDED_SPATIAL.maxSteps;
      while (!success && steps < limit) {
        const action = expert.act(scene.state());
        scene.step(action);
        hash.update(new Uint8Array(scene.physicsState().buffer));
        success = isSuccess(scene.state());
        steps++;
      }
      results.push({ taskId: job.taskId, origin: init.origin, success, steps, digest: hash.digest('hex') });
    }
  } finally {
    scene.dispose();
  }
  return results;
}
