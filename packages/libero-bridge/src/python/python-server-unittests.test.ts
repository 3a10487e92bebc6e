import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { expect, it } from 'vitest';

it('the Python half of the codec passes its own unit tests (python/tests)', () => {
  const root = fileURLToPath(new URL('../../python', import.meta.url));
  const r = spawnSync('python3', ['-m', 'unittest', 'discover', '-s', 'tests'], {
    cwd: root,
    env: { ...process.env, PYTHONDONTWRITEBYTECODE: '1' },
    encoding: 'utf8',
  });
  expect(r.status, r.stderr).toBe(0);
  expect(r.stderr).toMatch(/Ran \d+ tests/);
});
