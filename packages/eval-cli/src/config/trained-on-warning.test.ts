import type { BundleManifest } from '@rsd/heads';
import { describe, expect, it } from 'vitest';
import { trainedOnWarning } from './trained-on-warning.ts';

const base = { name: 'b' } as BundleManifest;
const on = (trainedOn: BundleManifest['trainedOn']) => ({ ...base, ...(trainedOn === undefined ? {} : { trainedOn }) }) as BundleManifest;
const embedded = { envKind: 'embedded', suite: 'embedded_spatial' } as const;

describe('trainedOnWarning', () => {
  it('is silent where the bundle was trained', () => {
    expect(trainedOnWarning(on({ env: 'embedded', suite: 'embedded_spatial', conventions: 'libero' }), embedded)).toBeUndefined();
    expect(trainedOnWarning(on({ env: 'python', suite: 'libero_spatial', conventions: 'libero' }), { envKind: 'python', suite: 'libero_spatial' })).toBeUndefined();
  });

  it('warns about a missing record, other conventions, another environment or suite', () => {
    expect(trainedOnWarning(on(undefined), embedded)).toMatch(/records no trainedOn.*rebase-bundle-proprio/);
    expect(trainedOnWarning(on({ env: 'embedded', suite: 'embedded_spatial', conventions: 'embedded-v0' }), embedded)).toMatch(/"embedded-v0" observation conventions/);
    expect(trainedOnWarning(on({ env: 'embedded', suite: 'embedded_spatial', conventions: 'libero' }), { envKind: 'python', suite: 'libero_spatial' })).toMatch(
      /trained on --env embedded.*dynamics differ.*0\.05 m/,
    );
    expect(trainedOnWarning(on({ env: 'python', suite: 'libero_10', conventions: 'libero' }), { envKind: 'python', suite: 'libero_spatial' })).toMatch(/suite libero_10, it runs on libero_spatial/);
  });
});
