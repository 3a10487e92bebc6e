import { afterEach, describe, expect, it, vi } from 'vitest';
import { parseEvalFlags } from '../src/cli/eval-flags.ts';

// Through `npx nx run eval-cli:<target>` the CLI runs in packages/eval-cli; the root .env hands
// the user's folder on as RSD_INVOCATION_CWD and every path flag resolves against it.
afterEach(() => {
  vi.unstubAllEnvs();
});

describe('eval-cli paths resolve against the folder the user stood in', () => {
  it('eval: --bundle, --out, --resume', () => {
    vi.stubEnv('RSD_INVOCATION_CWD', '/home/u/rsd');
    expect(parseEvalFlags(['--bundle', 'models/embedded_spatial', '--out', 'runs/a', '--trials', '1'])).toMatchObject({
      bundle: '/home/u/rsd/models/embedded_spatial',
      out: '/home/u/rsd/runs/a',
      trials: '1',
    });
    expect(parseEvalFlags(['--resume', 'runs/a'])).toMatchObject({ resume: '/home/u/rsd/runs/a' });
    expect(parseEvalFlags(['--out', '/abs/o'])).toMatchObject({ out: '/abs/o' });
  });
});
