import { EvalError } from '../errors/eval-error.ts';

/** `--flag`'s integer value, undefined when absent; not an integer >= min → INVALID_FLAG naming the flag. */
export function intFlag(flag: string, text: string | undefined, min: number): number | undefined {
  if (text === undefined) return undefined;
  const n = Number(text);
  if (!Number.isInteger(n) || n < min) {
    throw new EvalError('INVALID_FLAG', `--${flag} must be an integer >= ${min}, got "${text}"`, { subject: `--${flag}` });
  }
  return n;
}
