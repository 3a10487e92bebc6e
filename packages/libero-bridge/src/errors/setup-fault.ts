import { BridgeError, type BridgeErrorCode } from './bridge-error.ts';

/**
 * Codes of faults in the setup, not in an episode: a wrong token, another protocol version, a
 * server that cannot import or configure LIBERO, features asked of a server without a usable
 * `--features` module (or one that speaks no protocol 1.1), a suite the environment does not have. No retry
 * fixes them, so a caller should stop before counting any episode.
 */
export const SETUP_FAULT_CODES: ReadonlySet<BridgeErrorCode> = new Set<BridgeErrorCode>([
  'AUTH_FAILED',
  'PROTOCOL_VERSION_MISMATCH',
  'LIBERO_UNAVAILABLE',
  'FEATURES_UNAVAILABLE',
  'UNKNOWN_SUITE',
]);

/** Whether `error` is a BridgeError whose code is a setup fault (see SETUP_FAULT_CODES). */
export function isSetupFault(error: unknown): error is BridgeError {
  return BridgeError.isInstance(error) && SETUP_FAULT_CODES.has(error.code);
}
