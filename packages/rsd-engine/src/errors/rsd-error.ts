const marker = Symbol.for('@rsd/rsd-engine/error');

/** Stable codes of every error this package throws. */
export type RsdErrorCode =
  | 'BUNDLE_MISSING_FILE'
  | 'BUNDLE_INVALID_MANIFEST'
  | 'BUNDLE_HASH_MISMATCH'
  | 'BUNDLE_MODEL_MISMATCH'
  | 'MODEL_LOAD_FAILED'
  | 'INVALID_INPUT'
  | 'INVALID_OPTIONS'
  | 'INFERENCE_FAILED'
  | 'ENGINE_CLOSED';

/**
 * Base error of `@rsd/rsd-engine`. `code` is stable across versions; `isInstance` works across
 * duplicate installs of the package (it checks a global symbol, not the prototype).
 */
export class RsdError extends Error {
  readonly [marker] = true;
  override readonly name: string = 'RsdError';
  readonly code: RsdErrorCode;
  /** The file, field or argument the error is about, when there is one. */
  readonly subject: string | undefined;

  constructor(code: RsdErrorCode, message: string, options: { cause?: unknown; subject?: string } = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.code = code;
    this.subject = options.subject;
  }

  static isInstance(error: unknown): error is RsdError {
    return typeof error === 'object' && error !== null && marker in error;
  }
}
