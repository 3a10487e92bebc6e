import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { WORKSPACE } from './nx-reserved-flags.ts';

// What CI's `nx affected -t typecheck lint test` (.github/workflows/ci.yml) selects for a change.
async function affectedBy(file: string): Promise<string[]> {
  const env = { ...process.env, NX_DAEMON: 'false', NX_NO_CLOUD: 'true' };
  const { stdout } = await promisify(execFile)(process.execPath, [`${WORKSPACE}/node_modules/nx/bin/nx.js`, 'show', 'projects', '--affected', `--files=${file}`, '--json'], { cwd: WORKSPACE, env });
  return (JSON.parse(stdout) as string[]).sort();
}

describe('nx affected on this workspace', () => {
  it('a change in libero-bridge selects libero-bridge and what evaluates or trains on it (eval-cli, imitation) only', async () => {
    expect(await affectedBy('packages/libero-bridge/src/index.ts')).toEqual(['eval-cli', 'imitation', 'libero-bridge']);
  });

  it('a change in rfsq selects every package built on it (heads, rsd-engine, eval-cli, imitation, policy-server), not libero-bridge', async () => {
    expect(await affectedBy('packages/rfsq/src/index.ts')).toEqual(['eval-cli', 'heads', 'imitation', 'policy-server', 'rfsq', 'rsd-engine']);
  });

  it('a change in eval-cli selects eval-cli and the training pipeline built on it, never the engine below it', async () => {
    expect(await affectedBy('packages/eval-cli/src/index.ts')).toEqual(['eval-cli', 'imitation']);
  });

  it('a change to the shared test config selects everything', async () => {
    expect(await affectedBy('vitest.config.ts')).toEqual(['eval-cli', 'heads', 'imitation', 'libero-bridge', 'policy-server', 'rfsq', 'rsd-engine']);
  });
});
