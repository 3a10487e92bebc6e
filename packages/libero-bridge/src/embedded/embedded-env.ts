import { normalizeAction } from '../action.ts';
import { BridgeError } from '../errors/bridge-error.ts';
import type { Action, LiberoEnv, Observation, ResetOptions, StepResult, SuiteInfo } from '../libero-env.ts';
import { EMBEDDED_SPATIAL, EMBEDDED_SPATIAL_NAME } from './embedded-spatial-suite.ts';
import { fixedInitState, validationInitState, type InitState } from './init-states.ts';
import { loadMujocoModule, wasmHeapBytes } from './mujoco-runtime.ts';
import { RayCamera } from './ray-camera.ts';
import type { SceneState } from './scene-state.ts';
import { CAMERA } from './scene-xml.ts';
import { SpatialScene, type SceneSnapshot } from './spatial-scene.ts';
import { isSuccess } from './success.ts';
import { toLiberoFingers, toLiberoPosition, toLiberoQuat } from './libero-frame.ts';

const OBJ_CAMERA = 7;

export interface EmbeddedEnvOptions {
  /** Agent-view image size in pixels (square), or width and height. Default 128. */
  readonly imageSize?: number | { readonly width: number; readonly height: number };
  /** Also render the wrist camera (`eye_in_hand_rgb`), same size. Default false. */
  readonly eyeInHand?: boolean;
  /** Also return agent-view depth. Default false. */
  readonly depth?: boolean;
  /**
   * Which states `reset({ initState: i })` starts from: `fixed` (default) — the 50 evaluation
   * states per task; `validation` — 50 held-out states of the training distribution per task.
   */
  readonly initStates?: 'fixed' | 'validation';
}

function imageDims(size: EmbeddedEnvOptions['imageSize']): { width: number; height: number } {
  if (size === undefined) return { width: 128, height: 128 };
  if (typeof size === 'number') return { width: size, height: size };
  return { width: size.width, height: size.height };
}

/**
 * The embedded `embedded_spatial` backend: MuJoCo WebAssembly physics, ray-cast cameras, the
 * ten LIBERO-Spatial tasks. Reward is 1 on the step the task succeeds, else 0; `done` is the
 * success signal (the step limit, `SuiteInfo.maxSteps`, is the caller's to enforce, as with
 * LIBERO). Physics is deterministic: the same task, initial state and actions give bit-identical
 * observations on every machine and thread. The seed is recorded but no choice of the
 * environment is random.
 */
export class EmbeddedEnv implements LiberoEnv {
  readonly backend = 'embedded';
  private scene: SpatialScene | undefined;
  private readonly agentview: RayCamera;
  private readonly wrist: RayCamera | undefined;
  private readonly withDepth: boolean;
  private readonly initStates: 'fixed' | 'validation';
  private started = false;
  private lastSuccess = false;
  private episodeSeed = 0;

  private constructor(scene: SpatialScene, options: EmbeddedEnvOptions) {
    this.scene = scene;
    const { width, height } = imageDims(options.imageSize);
    this.agentview = new RayCamera(scene.sim, { cameraId: scene.sim.id(OBJ_CAMERA, CAMERA.agentview), width, height });
    this.wrist = options.eyeInHand
      ? new RayCamera(scene.sim, { cameraId: scene.sim.id(OBJ_CAMERA, CAMERA.eyeInHand), width, height, excludeBody: scene.bodyId('hand') })
      : undefined;
    this.withDepth = options.depth ?? false;
    this.initStates = options.initStates ?? 'fixed';
  }

  /** Loads the WebAssembly module (once per thread) and compiles the scene. */
  static async create(options: EmbeddedEnvOptions = {}): Promise<EmbeddedEnv> {
    const mj = await loadMujocoModule();
    const scene = SpatialScene.create(mj);
    try {
      return new EmbeddedEnv(scene, options);
    } catch (e) {
      scene.dispose();
      throw e;
    }
  }

  private open(): SpatialScene {
    if (this.scene === undefined) throw new BridgeError('ENV_CLOSED', 'the embedded environment is closed', { subject: 'env' });
    return this.scene;
  }

  async listSuites(): Promise<readonly SuiteInfo[]> {
    this.open();
    return [EMBEDDED_SPATIAL];
  }

  async reset(options: ResetOptions): Promise<Observation> {
    this.open();
    if (options.suite !== EMBEDDED_SPATIAL_NAME) {
      throw new BridgeError('UNKNOWN_SUITE', `the embedded backend has suite ${EMBEDDED_SPATIAL_NAME}, not ${String(options.suite)}`, {
        subject: 'suite',
      });
    }
    const state =
      this.initStates === 'validation'
        ? validationInitState(options.taskId, options.initState)
        : fixedInitState(options.taskId, options.initState);
    return this.resetTo(state, options.seed);
  }

  /** Starts an episode from any initial state, e.g. one from `drawInitState` for training data. */
  async resetTo(state: InitState, seed = 0): Promise<Observation> {
    const scene = this.open();
    if (!Number.isInteger(seed)) throw new RangeError(`seed must be an integer, got ${seed}`);
    scene.reset(state);
    this.started = true;
    this.lastSuccess = isSuccess(scene.state());
    this.episodeSeed = seed;
    return this.observe();
  }

  async step(action: Action): Promise<StepResult> {
    const scene = this.open();
    if (!this.started) throw new BridgeError('EPISODE_NOT_STARTED', 'call reset before step', { subject: 'step' });
    const a = normalizeAction(action);
    scene.step(a);
    const success = isSuccess(scene.state());
    this.lastSuccess = success;
    return { observation: this.observe(), reward: success ? 1 : 0, done: success, success };
  }

  /**
   * Privileged state of the current episode (for the scripted expert and tests), in the scene's
   * own frame: table top at z = 0, hand identity = fingers down, raw finger slides (≥ 0 but for a
   * squeeze), unlike observations (LIBERO's frame, hand frame and finger scale).
   */
  sceneState(): SceneState {
    if (!this.started) throw new BridgeError('EPISODE_NOT_STARTED', 'call reset before reading state', { subject: 'sceneState' });
    return this.open().state();
  }

  /**
   * A copy of the episode's dynamic state (physics, actuator and mocap targets, success flag).
   * `restoreState` puts this episode back to it: the steps that follow are bit-identical to the
   * ones that followed the save. Used to label visited states by rolling the expert forward
   * (DAgger) without disturbing the episode.
   */
  saveState(): EnvSnapshot {
    if (!this.started) throw new BridgeError('EPISODE_NOT_STARTED', 'call reset before saving state', { subject: 'saveState' });
    return { scene: this.open().snapshot(), success: this.lastSuccess, seed: this.episodeSeed };
  }

  /** Restores a state taken by `saveState` in the current episode (same objects and placement). */
  restoreState(s: EnvSnapshot): void {
    const scene = this.open();
    if (!this.started) throw new BridgeError('EPISODE_NOT_STARTED', 'call reset before restoring state', { subject: 'restoreState' });
    if (s.scene.taskId !== scene.state().taskId)
      throw new BridgeError('SIMULATION_FAILED', `snapshot of task ${s.scene.taskId} cannot be restored into task ${scene.state().taskId}`, { subject: 'restoreState' });
    scene.restore(s.scene);
    this.lastSuccess = s.success;
    this.episodeSeed = s.seed;
  }

  /**
   * One control step without rendering an observation (for expert look-ahead between
   * `saveState` and `restoreState`); returns whether the task is solved after it.
   */
  advance(action: Action): boolean {
    const scene = this.open();
    if (!this.started) throw new BridgeError('EPISODE_NOT_STARTED', 'call reset before advance', { subject: 'advance' });
    scene.step(normalizeAction(action));
    this.lastSuccess = isSuccess(scene.state());
    return this.lastSuccess;
  }

  /** Physics state qpos ‖ qvel, float64 [nq + nv], as LIBERO's demos store `states`. */
  physicsState(): Float64Array {
    return this.open().physicsState();
  }

  /** Size of this thread's WebAssembly heap in bytes (grows, never shrinks: flat means no leak). */
  heapBytes(): number {
    return wasmHeapBytes(this.open().sim.data.qpos);
  }

  /** Whether the last reset or step ended in success. */
  get succeeded(): boolean {
    return this.lastSuccess;
  }

  /** The seed passed to the last reset. */
  get seed(): number {
    return this.episodeSeed;
  }

  private observe(): Observation {
    const scene = this.open();
    const view = this.agentview.render(this.withDepth);
    const obs: Observation = {
      agentviewRgb: view.rgb,
      ...(view.depth ? { agentviewDepth: view.depth } : {}),
      ...(this.wrist ? { eyeInHandRgb: this.wrist.render().rgb } : {}),
      // LIBERO's frame, hand frame, finger scale and signs (see libero-frame.ts); the scene and
      // SceneState keep their own
      eePos: toLiberoPosition(scene.eePos()),
      eeQuat: toLiberoQuat(scene.eeQuat()),
      gripperQpos: toLiberoFingers(scene.fingers()),
    };
    return obs;
  }

  async close(): Promise<void> {
    this.scene?.dispose();
    this.scene = undefined;
  }

  /** `await using env = await createEmbeddedEnv()` closes it at the end of the scope. */
  [Symbol.asyncDispose](): Promise<void> {
    return this.close();
  }
}

/** Creates the embedded backend (works in the main thread and in worker threads alike). */
export function createEmbeddedEnv(options: EmbeddedEnvOptions = {}): Promise<EmbeddedEnv> {
  return EmbeddedEnv.create(options);
}

/** What {@link EmbeddedEnv.saveState} returns: opaque to callers, valid within its episode. */
export interface EnvSnapshot {
  readonly scene: SceneSnapshot;
  readonly success: boolean;
  readonly seed: number;
}
