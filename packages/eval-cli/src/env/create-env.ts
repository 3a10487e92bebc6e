import { createEmbeddedEnv, createPythonEnv, type LiberoEnv, type PythonEnvOptions, type PythonEnvTimeouts } from '@rsd/libero-bridge';
import { endpointForWorker, type EnvSpec } from './env-spec.ts';

/** Camera size the environment must render: the bundle's backbone input size. */
export interface CameraSize {
  readonly height: number;
  readonly width: number;
}

/**
 * Creates the environment of one worker, rendering at the bundle's camera size: the embedded
 * suite, a Python LIBERO server spawned over stdio, or a connection to the worker's TCP
 * endpoint (`endpoint`, the one the scheduler picked; else round-robin by worker; `RSD_LIBERO_TOKEN` is sent when set). For a bundle
 * with an external backbone the spec carries `features`: a spawned server loads the module, a
 * TCP server must have been started with `--features`; observations then carry the features.
 */
export async function createEnv(spec: EnvSpec, worker: number, camera: CameraSize, endpoint?: string): Promise<LiberoEnv> {
  if (spec.kind === 'embedded') {
    return createEmbeddedEnv({ imageSize: { width: camera.width, height: camera.height }, initStates: spec.initStates ?? 'fixed' });
  }
  const common = { cameraHeight: camera.height, cameraWidth: camera.width };
  if (spec.kind === 'python') {
    const f = spec.features;
    if (f === undefined) return createPythonEnv({ transport: 'stdio', ...common });
    // each spawned server loads the feature module; its observations carry the features (protocol 1.1)
    const serverArgs = ['--features', f.module, ...(f.config === undefined ? [] : ['--features-config', f.config])];
    return createPythonEnv({ transport: 'stdio', ...common, serverArgs, features: true });
  }
  return createPythonEnv(tcpEnvOptions(spec, endpoint ?? endpointForWorker(spec, worker)!, camera));
}

/** The client options of a TCP endpoint: its URL, the camera, `RSD_LIBERO_TOKEN` when set, features when the bundle needs them. */
export function tcpEnvOptions(spec: EnvSpec & { readonly kind: 'tcp' }, url: string, camera: CameraSize, timeouts?: PythonEnvTimeouts): PythonEnvOptions {
  const token = process.env.RSD_LIBERO_TOKEN;
  return {
    transport: 'tcp',
    url,
    cameraHeight: camera.height,
    cameraWidth: camera.width,
    ...(token === undefined ? {} : { token }),
    ...(spec.features === true ? { features: true } : {}),
    ...(timeouts === undefined ? {} : { timeouts }),
  };
}
