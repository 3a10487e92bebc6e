import { onnxBackboneOf } from '@rsd/heads';
import { createEmbeddedEnv, drawInitState, type LiberoEnv } from '@rsd/libero-bridge';
import { loadEngine, type DecodeOptions, type DecodeResult, type Observations, type RsdEngine } from '@rsd/rsd-engine';
import { episodeSeed } from '@rsd/eval-cli';
import { EnginePolicy, type PolicyEngine } from '@rsd/eval-cli';
import { runTrainingRollouts, type TrainingRolloutOptions } from './training-rollouts.ts';

/** Seed-stream tag of the on-policy rollouts' initial states (apart from the demos' and validation's). */
const ONPOLICY_STREAM = 0x0b9d;

export type OnPolicyOptions = TrainingRolloutOptions;

export interface OnPolicyFeatures {
  /** float32 [N, F]: the backbone features of every policy call. */
  readonly features: Float32Array;
  readonly N: number;
  readonly episodes: number;
  readonly successes: number;
}

/** The engine, with every `predict` call's backbone features kept (the draft's on-policy data). */
class FeatureRecordingEngine implements PolicyEngine {
  readonly recorded: Float32Array[] = [];
  readonly manifest: RsdEngine['manifest'];
  constructor(private readonly inner: RsdEngine) {
    this.manifest = inner.manifest;
  }
  resetStatistics(): void {
    this.inner.resetStatistics();
  }
  close(): Promise<void> {
    return this.inner.close();
  }
  async predict(observations: Observations, options: DecodeOptions): Promise<DecodeResult> {
    const features = await this.inner.computeFeatures(observations);
    this.recorded.push(features);
    return this.inner.predictFromFeatures(features, observations.images.length, options);
  }
}

/**
 * Runs the bundle's baseline policy closed loop (with `execution`) from initial
 * states of the training distribution on a seed stream of their own, and returns the backbone
 * features of every policy call: the states the policy actually visits, where the draft has to
 * agree with the main head. Success counts are reported, never used to filter.
 */
export async function collectOnPolicyFeatures(
  bundleDir: string,
  options: OnPolicyOptions,
  log: (line: string) => void,
): Promise<OnPolicyFeatures> {
  const engine = await loadEngine(bundleDir, { log: () => undefined });
  const m = engine.manifest;
  const { image } = onnxBackboneOf(m, 'collectOnPolicyFeatures');
  const inner = await createEmbeddedEnv({ imageSize: { width: image.width, height: image.height } });
  // reset(initState i) → the i-th state of this stage's own stream
  const env: LiberoEnv = {
    backend: inner.backend,
    listSuites: () => inner.listSuites(),
    reset: (o) => inner.resetTo(drawInitState(o.taskId, episodeSeed(options.seed ^ ONPOLICY_STREAM, o.taskId, o.initState)), o.seed),
    step: (a) => inner.step(a),
    close: () => inner.close(),
  };
  const recorder = new FeatureRecordingEngine(engine);
  const policy = new EnginePolicy(recorder, { acceptance: { kind: 'exact' } });
  let r: { episodes: number; successes: number };
  try {
    r = await runTrainingRollouts(env, policy, options, 'on-policy rollout', (taskId, ok) =>
      log(`[train-default] on-policy rollouts task ${taskId}: ${ok}/${options.episodesPerTask} successes, ${recorder.recorded.length} calls so far`),
    );
  } finally {
    await env.close();
    await engine.close();
  }
  const F = m.dims.F;
  const features = new Float32Array(recorder.recorded.length * F);
  recorder.recorded.forEach((f, i) => features.set(f, i * F));
  return { features, N: recorder.recorded.length, episodes: r.episodes, successes: r.successes };
}
