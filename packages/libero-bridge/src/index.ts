export { BridgeError } from './errors/bridge-error.ts';
export type { BridgeErrorCode } from './errors/bridge-error.ts';
export { ACTION_DIM, normalizeAction } from './action.ts';
export type {
  Action,
  DepthImage,
  LiberoEnv,
  Observation,
  ResetOptions,
  RgbImage,
  StepResult,
  SuiteInfo,
  TaskInfo,
} from './libero-env.ts';
