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
export { PROTOCOL_VERSION } from './protocol/protocol-version.ts';
export { createPythonEnv } from './python/python-env.ts';
export type { PythonEnvOptions, PythonEnvTimeouts } from './python/python-env.ts';
export type { StdioTransportOptions } from './python/stdio-transport.ts';
export { spawnPythonTcpServer } from './python/spawn-python-tcp-server.ts';
export type { PythonTcpServer, PythonTcpServerOptions } from './python/spawn-python-tcp-server.ts';
export { pythonServerScriptPath } from './python/server-script.ts';
