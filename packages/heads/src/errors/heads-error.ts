const marker = Symbol.for('@rsd/heads/error');

/** Stable codes of every error this package throws. */
export type HeadsErrorCode =
  | 'INVALID_CONFIG'
  | 'INVALID_SHAPE'
  | 'CHECKPOINT_CORRUPT'
  | 'CHECKPOINT_UNSAFE'
  | 'CHECKPOINT_MISMATCH'
  | 'UNSUPPORTED_DTYPE'
  | 'IO_ERROR'
  | 'EXPORT_MISMATCH';

/**
 * Base error of `@rsd/heads`. `code` is stable across versions; `isInstance` works across
 * duplicate installs of the package (it checks a global symbol, not the prototype).
 */
export class HeadsError extends Error {
  readonly [marker] = true;
  override readonly name: string = 'HeadsError';
  readonly code: HeadsErrorCode;
  /** The file, field or argument the error is about, when there is one. */
  readonly subject: string | undefined;

  constructor(code: HeadsErrorCode, message: string, options: { cause?: unknown; subject?: string } = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.code = code;
    this.subject = options.subject;
  }

  static isInstance(error: unknown): error is HeadsError {
    return typeof error === 'object' && error !== null && marker in error;
  }
}
