import { onnxBackboneOf } from '@rsd/heads';
import {
  createEmbeddedEnv,
  drawInitState,
  labelChunk,
  ScriptedExpert,
  type Action,
  type EmbeddedEnv,
  type LiberoEnv,
  type Observation,
  type StepOptions,
  type StepResult,
} from '@rsd/libero-bridge';
import { loadEngine } from '@rsd/rsd-engine';
import { EnginePolicy } from '@rsd/eval-cli';
import { episodeSeed } from '@rsd/eval-cli';
import { ROLLOUT_WAIT_STEPS, runTrainingRollouts, type TrainingRolloutOptions } from './training-rollouts.ts';
import { PROPRIO_SIZE } from './train-default-config.ts';

/** Seed-stream tag of the DAgger rollouts' initial states (apart from the demos', validation's and evaluation's). */
const DAGGER_STREAM = 0xda66;

export interface DaggerRolloutOptions extends TrainingRolloutOptions {
  /** Round number (1, 2, …): every round draws initial states and expert styles of its own. */
  readonly round: number;
}

/** The states a policy visited, each with the expert's chunk from there. */
export interface DaggerSamples {
  readonly N: number;
  /** Agent-view side of `images`. */
  readonly imageSize: number;
  /** Action chunk length C of `actions`. */
  readonly chunk: number;
  /** uint8 [N, S, S, 3]: what the policy saw. */
  readonly images: Uint8Array;
  /** float32 [N, 5]: ee_pos ‖ gripper_qpos it saw. */
  readonly proprio: Float32Array;
  /** float32 [N, C, 7]: the expert's actions over the next C steps from that state (its label). */
  readonly actions: Float32Array;
  /** int32 [N]: task id of each sample. */
  readonly taskOf: Int32Array;
  readonly episodes: number;
  /** Episodes the policy itself solved (reported, never used to filter). */
  readonly successes: number;
}

/**
 * An embedded env that, before every policy step (the wait steps excepted), records the
 * observation the policy acted on together with the scripted expert's chunk from the current
 * state (`labelChunk`: rolled forward on a copy, then restored). The episode itself follows
 * the policy's actions only.
 */
class LabellingEnv implements LiberoEnv {
  readonly backend: string;
  private expert: ScriptedExpert | undefined;
  private last: Observation | undefined;
  private stepsSinceReset = 0;
  taskId = 0;

  constructor(
    private readonly inner: EmbeddedEnv,
    private readonly options: DaggerRolloutOptions,
    private readonly chunk: number,
    private readonly record: (obs: Observation, label: Float64Array, taskId: number) => void,
  ) {
    this.backend = inner.backend;
  }

  listSuites() {
    return this.inner.listSuites();
  }

  async reset(o: { taskId: number; initState: number; seed: number }): Promise<Observation> {
    const s = episodeSeed(this.options.seed ^ DAGGER_STREAM, o.taskId, this.options.round * 100_003 + o.initState);
    // a clean expert (no action noise) in a style of this episode's own: DART's clean label
    this.expert = new ScriptedExpert(s ^ 0x5eed, { noise: 0 });
    this.taskId = o.taskId;
    this.stepsSinceReset = 0;
    this.last = await this.inner.resetTo(drawInitState(o.taskId, s), o.seed);
    return this.last;
  }

  async step(action: Action, options?: StepOptions): Promise<StepResult> {
    if (this.expert === undefined || this.last === undefined) throw new RangeError('LabellingEnv: step before reset');
    if (this.stepsSinceReset >= ROLLOUT_WAIT_STEPS) this.record(this.last, labelChunk(this.inner, this.expert, this.chunk), this.taskId);
    this.stepsSinceReset++;
    // the embedded env observes everything on every step; `options` only matters to servers
    void options;
    const r = await this.inner.step(action);
    this.last = r.observation;
    return r;
  }

  close() {
    return this.inner.close();
  }
}

/**
 * DAgger data: runs the bundle's baseline policy closed loop (with `execution`) from initial
 * states of the training distribution on a stream of this round's own, and labels every state
 * it visits with the scripted expert's action chunk from that state. Labels use privileged
 * state; the samples keep only what the policy sees (agent view, proprio).
 */
export async function collectDaggerSamples(
  bundleDir: string,
  options: DaggerRolloutOptions,
  log: (line: string) => void,
): Promise<DaggerSamples> {
  const engine = await loadEngine(bundleDir, { log: () => undefined });
  const m = engine.manifest;
  const { image } = onnxBackboneOf(m, 'collectDaggerSamples');
  if (image.width !== image.height) throw new RangeError(`collectDaggerSamples: square images only, bundle has ${image.width}x${image.height}`);
  const S = image.width;
  const C = m.dims.C;
  const images: Uint8Array[] = [];
  const proprio: number[] = [];
  const actions: Float64Array[] = [];
  const taskOf: number[] = [];
  const inner = await createEmbeddedEnv({ imageSize: S, eyeInHand: false, depth: false });
  const env = new LabellingEnv(inner, options, C, (obs, label, taskId) => {
    images.push(obs.agentviewRgb.data);
    proprio.push(obs.eePos[0]!, obs.eePos[1]!, obs.eePos[2]!, obs.gripperQpos[0]!, obs.gripperQpos[1]!);
    actions.push(label);
    taskOf.push(taskId);
  });
  const policy = new EnginePolicy(engine, { acceptance: { kind: 'exact' } });
  let r: { episodes: number; successes: number };
  let before = 0;
  try {
    r = await runTrainingRollouts(env, policy, options, `DAgger round ${options.round}`, (taskId, ok) => {
      log(`[train-default] dagger round ${options.round} task ${taskId}: policy solved ${ok}/${options.episodesPerTask}, ${images.length - before} labelled states`);
      before = images.length;
    });
  } finally {
    await env.close();
    await engine.close();
  }
  const N = images.length;
  const flatImages = new Uint8Array(N * S * S * 3);
  images.forEach((im, i) => flatImages.set(im, i * S * S * 3));
  const flatActions = new Float32Array(N * C * 7);
  actions.forEach((a, i) => flatActions.set(a, i * C * 7));
  if (proprio.length !== N * PROPRIO_SIZE) throw new RangeError('collectDaggerSamples: proprio size mismatch');
  return {
    N,
    imageSize: S,
    chunk: C,
    images: flatImages,
    proprio: Float32Array.from(proprio),
    actions: flatActions,
    taskOf: Int32Array.from(taskOf),
    episodes: r.episodes,
    successes: r.successes,
  };
}
