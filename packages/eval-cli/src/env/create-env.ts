import { createPythonEnv, type LiberoEnv } from '@rsd/libero-bridge';
import { EvalError } from '../errors/eval-error.ts';
import { endpointForWorker, type EnvSpec } from './env-spec.ts';

/** Camera size the environment must render: the bundle's backbone input size. */
export interface CameraSize {
  readonly height: number;
  readonly width: number;
}

type EmbeddedFactory = (options: Record<string, unknown>) => Promise<LiberoEnv>;

async function embeddedFactory(): Promise<EmbeddedFactory> {
  const bridge: Record<string, unknown> = await import('@rsd/libero-bridge');
  const f = bridge.createEmbeddedEnv;
  if (typeof f !== 'function') {
    throw new EvalError('DEPENDENCY_MISSING', '@rsd/libero-bridge does not export createEmbeddedEnv (the embedded suite is not in this version)', {
      subject: 'createEmbeddedEnv',
    });
  }
  return f as EmbeddedFactory;
}

/**
 * Creates the environment of one worker, rendering at the bundle's camera size: the embedded
 * suite, a Python LIBERO server spawned over stdio, or a connection to the worker's TCP
 * endpoint (workers round-robin over them; `RSD_LIBERO_TOKEN` is sent when set).
 */
export async function createEnv(spec: EnvSpec, worker: number, camera: CameraSize): Promise<LiberoEnv> {
  if (spec.kind === 'embedded') return (await embeddedFactory())({ imageSize: { width: camera.width, height: camera.height } });
  const common = { cameraHeight: camera.height, cameraWidth: camera.width };
  if (spec.kind === 'python') return createPythonEnv({ transport: 'stdio', ...common });
  const url = endpointForWorker(spec, worker)!;
  const token = process.env.RSD_LIBERO_TOKEN;
  return createPythonEnv({ transport: 'tcp', url, ...common, ...(token === undefined ? {} : { token }) });
}
