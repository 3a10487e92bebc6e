import { createPythonEnv } from '@rsd/libero-bridge';
import type { CameraSize } from './create-env.ts';
import { tcpEnvOptions } from './create-env.ts';
import type { EnvSpec } from './env-spec.ts';

/** How long a probe waits for the connection and the hello, ms. */
export const PROBE_TIMEOUT_MS = 10_000;

/**
 * Whether the LIBERO server at `url` answers as an episode's connection would: connects, says the
 * same hello (token, protocol, features) and says goodbye. Rejects with the bridge's error: IO_ERROR
 * (refused, unreachable), TIMEOUT, or a setup fault (AUTH_FAILED, LIBERO_UNAVAILABLE, ...).
 */
export async function probeEndpoint(spec: EnvSpec & { readonly kind: 'tcp' }, url: string, camera: CameraSize): Promise<void> {
  const env = await createPythonEnv(tcpEnvOptions(spec, url, camera, { connectMs: PROBE_TIMEOUT_MS, requestMs: PROBE_TIMEOUT_MS }));
  await env.close();
}
