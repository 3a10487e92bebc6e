import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { invocationDir, userPath } from './user-path.ts';

describe('userPath', () => {
  it('resolves against RSD_INVOCATION_CWD, then INIT_CWD, then the working directory', () => {
    expect(userPath('a/b', { RSD_INVOCATION_CWD: '/u', INIT_CWD: '/pkg' })).toBe('/u/a/b');
    expect(userPath('a/b', { RSD_INVOCATION_CWD: '', INIT_CWD: '/pkg' })).toBe('/pkg/a/b');
    expect(userPath('a/b', {})).toBe(join(process.cwd(), 'a/b'));
    expect(invocationDir({})).toBe(process.cwd());
  });
  it('keeps absolute paths', () => {
    expect(userPath('/abs/x', { RSD_INVOCATION_CWD: '/u' })).toBe('/abs/x');
  });
});
