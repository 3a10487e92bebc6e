export { BridgeError } from './errors/bridge-error.ts';
export type { BridgeErrorCode } from './errors/bridge-error.ts';
export { isSetupFault, SETUP_FAULT_CODES } from './errors/setup-fault.ts';
export { ACTION_DIM, normalizeAction } from './action.ts';
export type {
  Action,
  DepthImage,
  LiberoEnv,
  Observation,
  ResetOptions,
  StepOptions,
  RgbImage,
  StepResult,
  SuiteInfo,
  TaskInfo,
} from './libero-env.ts';
export { PROTOCOL_VERSION, PROTOCOL_VERSION_FEATURES } from './protocol/protocol-version.ts';
export { createPythonFeatureClient } from './python/python-feature-client.ts';
export type { FeatureBatch, PythonFeatureClient, PythonFeatureClientOptions } from './python/python-feature-client.ts';
export { createPythonEnv } from './python/python-env.ts';
export type { PythonEnvOptions, PythonEnvTimeouts } from './python/python-env.ts';
export type { StdioTransportOptions } from './python/stdio-transport.ts';
export { spawnPythonTcpServer } from './python/spawn-python-tcp-server.ts';
export type { PythonTcpServer, PythonTcpServerOptions } from './python/spawn-python-tcp-server.ts';
export { pythonServerScriptPath } from './python/server-script.ts';
export { createEmbeddedEnv, EmbeddedEnv } from './embedded/embedded-env.ts';
export type { EmbeddedEnvOptions, EnvSnapshot } from './embedded/embedded-env.ts';
export { EMBEDDED_SPATIAL, EMBEDDED_SPATIAL_NAME, EMBEDDED_SPATIAL_TASKS, NUM_INIT_STATES } from './embedded/embedded-spatial-suite.ts';
export { drawInitState, fixedInitState, validationInitState } from './embedded/init-states.ts';
export type { InitState, TablePose } from './embedded/init-states.ts';
export type { Pose, SceneState } from './embedded/scene-state.ts';
export { bowlOnPlate, bowlReleased, isSuccess } from './embedded/success.ts';
export { CONTROL } from './embedded/hand-control.ts';
export { FINGER_ANCHORS, FINGER_MAP, LIBERO_FRAME, toLiberoFingers, toLiberoPosition, toLiberoQuat } from './embedded/libero-frame.ts';
export { runRollouts } from './embedded/rollout.ts';
export type { RolloutJob, RolloutOptions, RolloutResult } from './embedded/rollout.ts';
export { runRolloutsInWorker, runTimedRolloutsInWorker } from './embedded/run-rollouts-in-worker.ts';
export { ScriptedExpert } from './expert/scripted-expert.ts';
export { labelChunk } from './expert/label-chunk.ts';
export type { ExpertPhase, ExpertStyle } from './expert/scripted-expert.ts';
export { encodePng } from './render/encode-png.ts';
export { collectDemos, demoSeeds, recordEpisode } from './demos/collect-demos.ts';
export type { CollectOptions } from './demos/collect-demos.ts';
export { quatToAxisAngle } from './demos/demo-episode.ts';
export type { DemoEpisode, DemoShapes } from './demos/demo-episode.ts';
export { DemoFileWriter } from './demos/demo-file-writer.ts';
export type { DemoFileInfo } from './demos/demo-file-writer.ts';
export { readDemoFile } from './demos/demo-file-reader.ts';
export type { DemoFile } from './demos/demo-file-reader.ts';
