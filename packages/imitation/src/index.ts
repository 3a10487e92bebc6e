// @rsd/imitation: the embedded default's training pipeline (demos → teacher → RFSQ → heads on the teacher's features → bundle).
export { runTrainDefault } from './run-train-default.ts';
export type { TrainDefaultDeps, TrainDefaultOptions, TrainDefaultResult } from './run-train-default.ts';
export { TRAIN_DEFAULT_CONFIG, SMOKE_CONFIG, checkTrainDefaultConfig, PROPRIO_FIELDS, PROPRIO_SIZE } from './train-default-config.ts';
export type { TrainDefaultConfig } from './train-default-config.ts';
export { runDemoStage } from './demo-stage.ts';
export type { DemoStageResult, TaskDemos, TrainingDemo } from './demo-stage.ts';
export { redistillDraft } from './redistill-draft.ts';
export { collectOnPolicyFeatures } from './collect-onpolicy-features.ts';
export { randomShift } from './random-shift.ts';
