const marker = Symbol.for('@rsd/eval-cli/error');

/** Stable codes of every error this package throws. */
export type EvalErrorCode =
  | 'INVALID_FLAG'
  | 'MISSING_BUNDLE'
  | 'RESUME_MISMATCH'
  | 'INVALID_LOG'
  | 'POLICY_FAILED'
  | 'MODEL_LOAD_FAILED'
  | 'WORKER_FAILED'
  /** The environment's setup failed (token, protocol version, LIBERO not loadable): the run stops. */
  | 'SETUP_FAILED'
  /** Mid-run, no LIBERO server answered for `--server-wait` seconds: the run stops, finished episodes kept (`--resume`). */
  | 'SERVERS_DOWN'
  | 'IO_ERROR';

/**
 * Base error of `@rsd/eval-cli`. `code` is stable across versions; `isInstance` works across
 * duplicate installs of the package (it checks a global symbol, not the prototype).
 */
export class EvalError extends Error {
  readonly [marker] = true;
  override readonly name: string = 'EvalError';
  readonly code: EvalErrorCode;
  /** The file, field or argument the error is about, when there is one. */
  readonly subject: string | undefined;

  constructor(code: EvalErrorCode, message: string, options: { cause?: unknown; subject?: string } = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.code = code;
    this.subject = options.subject;
  }

  static isInstance(error: unknown): error is EvalError {
    return typeof error === 'object' && error !== null && marker in error;
  }
}
