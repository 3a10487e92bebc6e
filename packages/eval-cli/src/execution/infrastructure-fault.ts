import { BridgeError } from '@rsd/libero-bridge';

/**
 * Bridge error codes that say the LIBERO server or the way to it failed, not the episode: the
 * server died or closed the connection, a reply (or the connection) timed out, the server could
 * not be reached or started. Such an episode is run again from its start (on a live server).
 * Everything else stays final: the policy's errors, the environment's own (`SERVER_ERROR`,
 * `SIMULATION_FAILED`, `FEATURES_FAILED`, `INVALID_ACTION`, ...), protocol violations.
 */
export const INFRASTRUCTURE_FAULT_CODES: ReadonlySet<string> = new Set(['SERVER_DIED', 'TIMEOUT', 'IO_ERROR']);

/** Whether `error` is a bridge error whose code is an infrastructure fault (INFRASTRUCTURE_FAULT_CODES). */
export function isInfrastructureFault(error: unknown): boolean {
  return BridgeError.isInstance(error) && INFRASTRUCTURE_FAULT_CODES.has(error.code);
}
