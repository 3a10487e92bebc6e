const marker = Symbol.for('@rsd/rfsq/error');

/** Stable codes of every error this package throws. */
export type RfsqErrorCode =
  | 'INVALID_SHAPE'
  | 'INVALID_CONFIG'
  | 'INVALID_DATA'
  | 'MISSING_FIELD'
  | 'NON_FINITE'
  | 'EMPTY_DATASET'
  | 'IO_ERROR'
  | 'EXPORT_MISMATCH'
  | 'TRAINING_DIVERGED';

/**
 * Base error of `@rsd/rfsq`. `code` is stable across versions; `isInstance` works across
 * duplicate installs of the package (it checks a global symbol, not the prototype).
 */
export class RfsqError extends Error {
  readonly [marker] = true;
  override readonly name: string = 'RfsqError';
  readonly code: RfsqErrorCode;
  /** The file, field or argument the error is about, when there is one. */
  readonly subject: string | undefined;

  constructor(code: RfsqErrorCode, message: string, options: { cause?: unknown; subject?: string } = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.code = code;
    this.subject = options.subject;
  }

  static isInstance(error: unknown): error is RfsqError {
    return typeof error === 'object' && error !== null && marker in error;
  }
}
