import type { EvalFlags } from '../cli/eval-flags.ts';
import { EvalError } from '../errors/eval-error.ts';
import { DEFAULT_ATTEMPTS } from '../execution/schedule-episodes.ts';

/** How a run survives its LIBERO servers. Not part of the run's identity: `--resume` may change it. */
export interface RetryOptions {
  /** `--attempts`: runs per episode at most when its server or connection fails. */
  readonly attempts: number;
  /** `--server-wait` in ms: how long a TCP run with no live server waits for one before it stops. */
  readonly serverWaitMs: number;
}

/** Default `--server-wait`, seconds. */
export const DEFAULT_SERVER_WAIT_S = 60;

function bounded(flag: string, text: string | undefined, min: number, max: number): number | undefined {
  if (text === undefined) return undefined;
  const v = Number(text.trim());
  if (text.trim() === '' || !Number.isInteger(v) || v < min || v > max) {
    throw new EvalError('INVALID_FLAG', `--${flag}: must be an integer in [${min}, ${max}], got "${text}"`, { subject: flag });
  }
  return v;
}

/** `--attempts` (1..100, default 3) and `--server-wait` (seconds, 0..86400, default 60). */
export function resolveRetryOptions(flags: Pick<EvalFlags, 'attempts' | 'serverWait'>): RetryOptions {
  return {
    attempts: bounded('attempts', flags.attempts, 1, 100) ?? DEFAULT_ATTEMPTS,
    serverWaitMs: 1000 * (bounded('server-wait', flags.serverWait, 0, 86_400) ?? DEFAULT_SERVER_WAIT_S),
  };
}
