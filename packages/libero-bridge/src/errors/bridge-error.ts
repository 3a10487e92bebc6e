const marker = Symbol.for('@rsd/libero-bridge/error');

/** Stable codes of every error this package throws. */
export type BridgeErrorCode =
  | 'INVALID_ACTION'
  | 'UNKNOWN_SUITE'
  | 'UNKNOWN_TASK'
  | 'UNKNOWN_INIT_STATE'
  | 'ENV_CLOSED'
  | 'EPISODE_NOT_STARTED'
  | 'SIMULATION_FAILED'
  | 'PROTOCOL_ERROR'
  | 'PROTOCOL_VERSION_MISMATCH'
  | 'AUTH_FAILED'
  /** The server runs but cannot import or configure LIBERO (missing package, first-import prompt). */
  | 'LIBERO_UNAVAILABLE'
  /** Features were asked for, but the server has no usable `--features` module or speaks no 1.1. */
  | 'FEATURES_UNAVAILABLE'
  /** The server's feature module failed on an observation. */
  | 'FEATURES_FAILED'
  | 'SERVER_ERROR'
  | 'SERVER_DIED'
  | 'TIMEOUT'
  | 'IO_ERROR';

/**
 * Base error of `@rsd/libero-bridge`. `code` is stable across versions; `isInstance` works across
 * duplicate installs of the package (it checks a global symbol, not the prototype).
 */
export class BridgeError extends Error {
  readonly [marker] = true;
  override readonly name: string = 'BridgeError';
  readonly code: BridgeErrorCode;
  /** The file, field or argument the error is about, when there is one. */
  readonly subject: string | undefined;

  constructor(code: BridgeErrorCode, message: string, options: { cause?: unknown; subject?: string } = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.code = code;
    this.subject = options.subject;
  }

  static isInstance(error: unknown): error is BridgeError {
    return typeof error === 'object' && error !== null && marker in error;
  }
}
