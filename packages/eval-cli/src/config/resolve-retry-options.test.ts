import { describe, expect, it } from 'vitest';
import { EVAL_HELP, parseEvalFlags } from '../cli/eval-flags.ts';
import { resolveRetryOptions } from './resolve-retry-options.ts';

describe('--attempts and --server-wait', () => {
  it('default to 3 attempts and 60 s; parse from the command line; are in --help', () => {
    expect(resolveRetryOptions({})).toEqual({ attempts: 3, serverWaitMs: 60_000 });
    expect(resolveRetryOptions(parseEvalFlags(['--attempts', '1', '--server-wait', '0']))).toEqual({ attempts: 1, serverWaitMs: 0 });
    expect(EVAL_HELP).toMatch(/--attempts <n>/);
    expect(EVAL_HELP).toMatch(/--server-wait <s>/);
    expect(EVAL_HELP).toMatch(/5 every LIBERO server went down mid-run/);
  });

  it('refuse a value out of range, naming the flag', () => {
    expect(() => resolveRetryOptions({ attempts: '0' })).toThrow(/--attempts: must be an integer in \[1, 100\], got "0"/);
    expect(() => resolveRetryOptions({ attempts: 'x' })).toThrow(/--attempts/);
    expect(() => resolveRetryOptions({ serverWait: '-1' })).toThrow(/--server-wait: must be an integer in \[0, 86400\]/);
    expect(() => resolveRetryOptions({ serverWait: '1.5' })).toThrow(/--server-wait/);
  });
});
