import { afterEach, describe, expect, it, vi } from 'vitest';
import { parseConvertArgs } from './convert-command.ts';
import { parseTrainArgs } from './train-command.ts';

// Through `npx nx run heads:<target>` the CLI runs in packages/heads; the root .env hands the
// user's folder on as RSD_INVOCATION_CWD, and every path flag resolves against it.
afterEach(() => {
  vi.unstubAllEnvs();
});

describe('heads CLI paths', () => {
  it('convert resolves --in, --out and --config against the folder the user stood in', () => {
    vi.stubEnv('RSD_INVOCATION_CWD', '/home/u/work');
    const { options } = parseConvertArgs(['--in', 'ckpt/a.pt', '--arch', 'main', '--out', 'out/main.onnx', '--config', 'cfg.json']);
    expect(options).toMatchObject({ in: '/home/u/work/ckpt/a.pt', out: '/home/u/work/out/main.onnx', config: '/home/u/work/cfg.json' });
  });

  it('train resolves --data, --out and --config, and keeps absolute paths', () => {
    vi.stubEnv('RSD_INVOCATION_CWD', '/home/u/work');
    const { options } = parseTrainArgs(['--data', 'feats', '--out', '/abs/heads', '--config', 'h.json']);
    expect(options).toMatchObject({ data: '/home/u/work/feats', out: '/abs/heads', config: '/home/u/work/h.json' });
  });

  it('falls back to INIT_CWD when run by npm alone', () => {
    vi.stubEnv('RSD_INVOCATION_CWD', '');
    vi.stubEnv('INIT_CWD', '/pkg');
    expect(parseTrainArgs(['--synthetic', '8', '--out', 'o']).options.out).toBe('/pkg/o');
  });
});
