import type { EnvSpec } from '../env/env-spec.ts';

/**
 * Which policy an evaluation runs: the token decoders `baseline` (main head alone, L passes),
 * `rsd` (draft + Jacobi verification) and `jacobi` (Jacobi verification without a draft), and
 * `continuous`: the bundle's teacher head (`continuous.onnx`, no tokens), for what tokenization costs.
 */
export type EvalMode = 'baseline' | 'rsd' | 'jacobi' | 'continuous';

/** Every mode, in the order reports list them. */
export const EVAL_MODES: readonly EvalMode[] = ['baseline', 'rsd', 'jacobi', 'continuous'];

/** The modes that decode action tokens (their token streams can be compared). */
export const TOKEN_MODES: readonly EvalMode[] = ['baseline', 'rsd', 'jacobi'];

/**
 * Everything that determines the episodes' outcomes. Two runs with equal configs produce the
 * same episodes (`--resume` refuses a directory whose config differs, naming the field).
 */
export interface RunIdentity {
  readonly suite: string;
  /** `embedded` or `python` (stdio and TCP servers run the same LIBERO). */
  readonly envKind: 'embedded' | 'python';
  /** sha256 of the bundle's manifest.json. */
  readonly bundleSha256: string;
  readonly modes: readonly EvalMode[];
  /** The `--acceptance` text (`exact`, `relaxed:1`, `sample:0.7:42`). */
  readonly acceptance: string;
  /** Draft layers per proposal; undefined = the bundle's `dims.k`. */
  readonly draftLayers: number | undefined;
  readonly trials: number;
  /** Task ids, ascending. */
  readonly tasks: readonly number[];
  readonly seed: number;
  readonly maxSteps: number;
  readonly waitSteps: number;
  readonly executeSteps: number;
  /** `none` or `temporal:<decay>` (canonical text of the ensemble spec). */
  readonly ensemble: string;
  /** `fixed`: the suite's evaluation states; `validation`: held-out training-distribution states (embedded only). */
  readonly initStates: 'fixed' | 'validation';
  /** `--render-size`: the environment renders n × n, resized to the bundle's input; absent = the bundle's size. */
  readonly renderSize?: number;
}

/** A validated evaluation config: the identity plus how to run it. */
export interface EvalConfig extends RunIdentity {
  readonly env: EnvSpec;
  readonly bundleDir: string;
  readonly workers: number;
  readonly outDir: string;
  /** Videos recorded per task and mode (the first `video` trials). */
  readonly video: number;
  /** `--video highlights` (the default): GIFs of the first success and first failure of each task and mode. */
  readonly highlights?: boolean;
  readonly json: boolean;
  /** ONNX Runtime threads per worker's engine. */
  readonly intraOpThreads: number;
}

/** The identity fields of a config, in a fixed order (for run.json and comparison). */
export function runIdentityOf(config: RunIdentity): RunIdentity {
  return {
    suite: config.suite,
    envKind: config.envKind,
    bundleSha256: config.bundleSha256,
    modes: [...config.modes],
    acceptance: config.acceptance,
    draftLayers: config.draftLayers,
    trials: config.trials,
    tasks: [...config.tasks],
    seed: config.seed,
    maxSteps: config.maxSteps,
    waitSteps: config.waitSteps,
    executeSteps: config.executeSteps,
    ensemble: config.ensemble,
    initStates: config.initStates,
    ...(config.renderSize === undefined ? {} : { renderSize: config.renderSize }),
  };
}
