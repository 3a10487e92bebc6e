import { afterEach, describe, expect, it, vi } from 'vitest';
import { parseRedistillFlags } from '../src/cli/redistill-draft-flags.ts';
import { parseTrainDefaultFlags } from '../src/cli/train-default-flags.ts';

// Through `npx nx run imitation:<target>` the CLI runs in packages/imitation; the root .env hands
// the user's folder on as RSD_INVOCATION_CWD and every path flag resolves against it.
afterEach(() => {
  vi.unstubAllEnvs();
});

describe('imitation paths resolve against the folder the user stood in', () => {
  it('redistill-draft: --bundle, --checkpoint, --out', () => {
    vi.stubEnv('RSD_INVOCATION_CWD', '/home/u/rsd');
    expect(parseRedistillFlags(['--bundle', 'b', '--checkpoint', 'w/c.safetensors', '--out', 'o'])).toMatchObject({
      bundle: '/home/u/rsd/b',
      checkpoint: '/home/u/rsd/w/c.safetensors',
      out: '/home/u/rsd/o',
    });
  });

  it('train-default: --out, --work; INIT_CWD when RSD_INVOCATION_CWD is unset', () => {
    vi.stubEnv('RSD_INVOCATION_CWD', '');
    vi.stubEnv('INIT_CWD', '/pkg');
    expect(parseTrainDefaultFlags(['--out', 'models/x', '--work', 'tmp/w', '--smoke'])).toMatchObject({ out: '/pkg/models/x', work: '/pkg/tmp/w' });
  });
});
