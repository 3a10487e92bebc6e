import { checkPrefixNoise, type BackboneConfig, type HeadsConfig, type PrefixNoise } from '@rsd/heads';

/**
 * Everything that decides the embedded-default bundle (seeds included): the same config
 * gives the same demos, teacher, tokenizer, heads and bundle bytes.
 */
export interface TrainDefaultConfig {
  /** Task ids of `embedded_spatial` to train on. */
  readonly tasks: readonly number[];
  /** Successful expert demos per task (training initial states, never evaluation's). */
  readonly demosPerTask: number;
  /** Seed of the demo stream, RFSQ, weight init, minibatch order and augmentation. */
  readonly seed: number;
  /** Agent-view side in pixels (the bundle's backbone image size; eval renders at it). */
  readonly imageSize: number;
  readonly rfsq: {
    readonly variant: 'robust' | 'naive';
    readonly layers: number;
    readonly levels: number;
    readonly latentDim: number;
    readonly epochs: number;
    readonly hidden: readonly number[];
  };
  /**
   * The teacher (our small "VLA"): the trunk (the bundle's `backbone.onnx`, up to the hidden
   * layer of width `F` the heads read) and a continuous head, trained with L1 on the z-scored
   * 8 × 7 chunk and random shift; the epoch snapshots in `select.epochs` run closed loop on
   * validation initial states and the best becomes the teacher.
   */
  readonly teacher: {
    readonly backbone: Omit<BackboneConfig, 'imageSize' | 'F' | 'proprioSize'>;
    readonly F: number;
    readonly epochs: number;
    readonly batchSize: number;
    readonly learningRate: number;
    readonly warmupSteps: number;
    /** Random shift augmentation, ± pixels (edge-padded crop). */
    readonly shift: number;
    /** Floor of the action standard deviation used for the z-score. */
    readonly actionStdFloor: number;
    /** 2: data-parallel on two cores (a gradient worker takes half of every minibatch). */
    readonly workers: 1 | 2;
    readonly select: {
      /** Epochs whose weights are kept and run closed loop (the last epoch always is). */
      readonly epochs: readonly number[];
      /** Validation episodes per task for each snapshot. */
      readonly trialsPerTask: number;
      /** Step limit of those episodes (the suite's 220). */
      readonly maxSteps: number;
    };
  };
  /**
   * The student: main head and draft trained on the teacher's frozen features towards the RFSQ
   * tokens of the teacher's own chunk (`teacher`: distillation) or of the expert's (`expert`).
   */
  readonly heads: Pick<HeadsConfig, 'draftLayers' | 'mainWidth' | 'mainDepth' | 'draftWidth' | 'draftDepth'>;
  readonly headTargets: 'teacher' | 'expert';
  /**
   * The main head trained on corrupted prefixes towards the clean tokens (`@rsd/heads`
   * PrefixNoise), so its guesses for deeper layers survive the wrong prefix a draft or an earlier
   * Jacobi pass gives it (fewer main passes; exact mode stays exact). null = plain teacher forcing.
   */
  readonly headsPrefixNoise: PrefixNoise | null;
  /**
   * `main-prefix`: the draft is the main head's own first `heads.draftLayers` layers, decoded
   * greedily in one ONNX graph (`@rsd/heads` exportMainPrefixDraftOnnx; exact by construction,
   * nothing to train, draftWidth/draftDepth/draftEpochs unused). `trained`: a draft head distilled
   * towards main's greedy tokens.
   */
  readonly headsDraft: 'trained' | 'main-prefix';
  readonly mainEpochs: number;
  readonly draftEpochs: number;
  readonly headsBatchSize: number;
  readonly headsLearningRate: number;
  /**
   * Draft re-distillation on on-policy features: the bundle's baseline policy runs
   * `episodesPerTask` closed-loop episodes per task from training-distribution states (their own
   * seed stream), and a fresh draft (`draftWidth`) is distilled towards the main head on the
   * features of every call. `episodesPerTask` 0 skips the stage.
   */
  readonly onPolicyDraft: { readonly episodesPerTask: number; readonly maxSteps: number; readonly draftWidth: number; readonly draftEpochs: number };
  /** How the bundle is meant to be run (written to the manifest's `execution`; eval's defaults). */
  readonly execution: { readonly executeSteps: number; readonly ensemble: string; readonly note?: string };
}

/** Observation fields fed as proprioception, in order (ee_pos [3] ‖ gripper_qpos [2]). */
export const PROPRIO_FIELDS = ['eePos', 'gripperQpos'] as const;
export const PROPRIO_SIZE = 5;

/**
 * The shipped run (`models/embedded_spatial/`): all ten tasks, 150 demos each, 64×64; the
 * teacher of the policy lab (`shared/lab`: 4 convolutions with GroupNorm to a 16 × 16 map,
 * spatial-softmax keypoints, MLP 512-512, L1, ±4 px shift, ~780 k samples seen).
 */
export const TRAIN_DEFAULT_CONFIG: TrainDefaultConfig = {
  tasks: [0, 1, 2, 3, 4, 5, 6, 7, 8, 9],
  demosPerTask: 150,
  seed: 0,
  imageSize: 64,
  rfsq: { variant: 'robust', layers: 8, levels: 7, latentDim: 7, epochs: 20, hidden: [256, 256] },
  teacher: {
    backbone: {
      convs: [
        { filters: 16, kernel: 5, stride: 2 },
        { filters: 32, kernel: 3, stride: 2 },
        { filters: 32, kernel: 3, stride: 1 },
        { filters: 32, kernel: 3, stride: 1 },
      ],
      norm: { groups: 8 },
      pooling: 'spatial-softmax',
      keypointWidth: 128,
      vocabSize: 512,
      maxTokens: 24,
      wordDim: 32,
      hidden: 512,
      featureActivation: 'relu',
    },
    F: 512,
    epochs: 10,
    batchSize: 128,
    learningRate: 1e-3,
    warmupSteps: 200,
    shift: 4,
    actionStdFloor: 0.05,
    workers: 2,
    select: { epochs: [8], trialsPerTask: 10, maxSteps: 220 },
  },
  // draft = the main head's own first 7 layers (main-prefix, exact): one main pass per call, so
  // main's guesses on an undecided prefix never matter and plain teacher forcing is kept (it
  // succeeds more than prefix noise: 98.2 % vs 96.0 % in the main job). k chosen by measured
  // policy-call time on validation states (BENCHMARKS.md); draftWidth/draftDepth are unused.
  heads: { draftLayers: 7, mainWidth: 256, mainDepth: 2, draftWidth: 32, draftDepth: 2 },
  headTargets: 'teacher',
  headsPrefixNoise: null,
  headsDraft: 'main-prefix',
  mainEpochs: 10,
  draftEpochs: 1,
  headsBatchSize: 128,
  headsLearningRate: 1e-3,
  onPolicyDraft: { episodesPerTask: 0, maxSteps: 220, draftWidth: 512, draftEpochs: 8 },
  execution: { executeSteps: 1, ensemble: 'temporal:0.1', note: 'the policy lab\'s protocol: a call every step, ACT temporal ensemble' },
};

/** A tiny config for the smoke test (one task, two demos, 16×16, one epoch of everything). */
export const SMOKE_CONFIG: TrainDefaultConfig = {
  ...TRAIN_DEFAULT_CONFIG,
  tasks: [2],
  demosPerTask: 2,
  imageSize: 16,
  rfsq: { variant: 'robust', layers: 4, levels: 5, latentDim: 3, epochs: 2, hidden: [32] },
  teacher: {
    ...TRAIN_DEFAULT_CONFIG.teacher,
    backbone: {
      convs: [
        { filters: 4, kernel: 3, stride: 2 },
        { filters: 4, kernel: 3, stride: 1 },
      ],
      norm: { groups: 2 },
      pooling: 'spatial-softmax',
      keypointWidth: 8,
      vocabSize: 64,
      maxTokens: 24,
      wordDim: 4,
      hidden: 16,
      featureActivation: 'relu',
    },
    F: 16,
    epochs: 2,
    batchSize: 32,
    warmupSteps: 2,
    shift: 2,
    select: { epochs: [1], trialsPerTask: 1, maxSteps: 12 },
  },
  heads: { draftLayers: 2, mainWidth: 16, mainDepth: 1, draftWidth: 8, draftDepth: 1 },
  // a trained draft, so the on-policy re-distillation stage is exercised too
  headsDraft: 'trained',
  mainEpochs: 1,
  draftEpochs: 1,
  headsBatchSize: 32,
  onPolicyDraft: { episodesPerTask: 1, maxSteps: 12, draftWidth: 8, draftEpochs: 1 },
};

/** Caller mistakes in a config → RangeError naming the field. */
export function checkTrainDefaultConfig(c: TrainDefaultConfig): void {
  const int = (v: number, name: string, min: number) => {
    if (!Number.isInteger(v) || v < min) throw new RangeError(`config.${name} must be an integer >= ${min}, got ${v}`);
  };
  if (c.tasks.length === 0) throw new RangeError('config.tasks must list at least one task');
  c.tasks.forEach((t, i) => int(t, `tasks[${i}]`, 0));
  int(c.demosPerTask, 'demosPerTask', 1);
  int(c.seed, 'seed', 0);
  int(c.imageSize, 'imageSize', 8);
  const t = c.teacher;
  int(t.F, 'teacher.F', 1);
  int(t.epochs, 'teacher.epochs', 1);
  int(t.batchSize, 'teacher.batchSize', 2);
  int(t.warmupSteps, 'teacher.warmupSteps', 0);
  int(t.shift, 'teacher.shift', 0);
  int(t.select.trialsPerTask, 'teacher.select.trialsPerTask', 1);
  int(t.select.maxSteps, 'teacher.select.maxSteps', 1);
  t.select.epochs.forEach((e, i) => {
    int(e, `teacher.select.epochs[${i}]`, 1);
    if (e > t.epochs) throw new RangeError(`config.teacher.select.epochs[${i}] (${e}) is past teacher.epochs (${t.epochs})`);
  });
  if (t.workers !== 1 && t.workers !== 2) throw new RangeError(`config.teacher.workers must be 1 or 2, got ${String(t.workers)}`);
  if (!(t.learningRate > 0)) throw new RangeError(`config.teacher.learningRate must be > 0, got ${t.learningRate}`);
  if (!(t.actionStdFloor > 0)) throw new RangeError(`config.teacher.actionStdFloor must be > 0, got ${t.actionStdFloor}`);
  if (c.headTargets !== 'teacher' && c.headTargets !== 'expert') throw new RangeError(`config.headTargets must be "teacher" or "expert", got ${String(c.headTargets)}`);
  int(c.mainEpochs, 'mainEpochs', 1);
  int(c.draftEpochs, 'draftEpochs', 1);
  int(c.headsBatchSize, 'headsBatchSize', 1);
  if (c.headsDraft !== 'trained' && c.headsDraft !== 'main-prefix') throw new RangeError(`config.headsDraft must be "trained" or "main-prefix", got ${String(c.headsDraft)}`);
  if (c.headsDraft === 'main-prefix' && c.onPolicyDraft.episodesPerTask > 0) {
    throw new RangeError('config.onPolicyDraft.episodesPerTask must be 0 with headsDraft "main-prefix" (that draft is exact; there is nothing to re-distil)');
  }
  if (c.headsPrefixNoise !== null) checkPrefixNoise(c.headsPrefixNoise, 'config.headsPrefixNoise');
  if (!(c.headsLearningRate > 0)) throw new RangeError(`config.headsLearningRate must be > 0, got ${c.headsLearningRate}`);
  int(c.onPolicyDraft.episodesPerTask, 'onPolicyDraft.episodesPerTask', 0);
  int(c.onPolicyDraft.maxSteps, 'onPolicyDraft.maxSteps', 1);
  int(c.onPolicyDraft.draftWidth, 'onPolicyDraft.draftWidth', 1);
  int(c.onPolicyDraft.draftEpochs, 'onPolicyDraft.draftEpochs', 1);
}

/**
 * The config fields each stage reads: a stage's key covers its slice (plus its upstream
 * stages), so a changed field reruns only the stages that read it and those downstream.
 */
export function stageSlices(c: TrainDefaultConfig) {
  const { select, ...teacherTraining } = c.teacher;
  return {
    demos: { tasks: c.tasks, demosPerTask: c.demosPerTask, seed: c.seed, imageSize: c.imageSize },
    rfsq: { rfsq: c.rfsq, seed: c.seed },
    teacher: { seed: c.seed, imageSize: c.imageSize, teacher: teacherTraining },
    select: { tasks: c.tasks, seed: c.seed, select, execution: { executeSteps: c.execution.executeSteps, ensemble: c.execution.ensemble } },
    heads: { heads: c.heads, headTargets: c.headTargets, ...(c.headsPrefixNoise === null ? {} : { prefixNoise: c.headsPrefixNoise }), mainEpochs: c.mainEpochs, draftEpochs: c.draftEpochs, batchSize: c.headsBatchSize, learningRate: c.headsLearningRate, seed: c.seed },
    onPolicy: { tasks: c.tasks, seed: c.seed, onPolicyDraft: c.onPolicyDraft, execution: c.execution, batchSize: c.headsBatchSize, learningRate: c.headsLearningRate },
  } as const;
}
