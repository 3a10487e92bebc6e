import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { writeRandomBundle } from '@rsd/heads/testing';
import { beforeAll, describe, expect, it } from 'vitest';
import type { EvalFlags } from '../cli/eval-flags.ts';
import { parseEvalFlags } from '../cli/eval-flags.ts';
import { runIdentityOf } from './eval-config.ts';
import { compareRunIdentity } from './compare-run-identity.ts';
import { resolveEvalConfig } from './resolve-eval-config.ts';
import { tinyBundle } from '../../test/fixtures.ts';

let bundle = '';
const root = mkdtempSync(join(tmpdir(), 'eval-config-'));
beforeAll(async () => {
  bundle = (await writeRandomBundle(join(root, 'bundle'), { dims: { C: 8, A: 7, H: 3, L: 4, K: 5, F: 8, k: 2 }, seed: 1 })).dir;
});
const ctx = () => ({ cores: 2, now: new Date('2026-01-02T03:04:05.678Z'), cwd: root, defaultBundleDir: bundle });
const resolve = (flags: EvalFlags) => resolveEvalConfig(flags, ctx()).config;
const code = (f: () => unknown) => {
  try {
    f();
  } catch (e) {
    return `${(e as { code?: string }).code}:${(e as { subject?: string }).subject}`;
  }
  return 'no error';
};

describe('resolveEvalConfig', () => {
  it('--mode: both, all, or a list of modes in report order; rsd is refused for a bundle without a draft', async () => {
    expect(resolve({}).modes).toEqual(['baseline', 'rsd']);
    expect(resolve({ mode: 'both' }).modes).toEqual(['baseline', 'rsd']);
    expect(resolve({ mode: 'all' }).modes).toEqual(['baseline', 'rsd', 'jacobi']);
    expect(resolve({ mode: 'jacobi,baseline' }).modes).toEqual(['baseline', 'jacobi']);
    expect(resolve({ mode: 'rsd' }).modes).toEqual(['rsd']);
    expect(code(() => resolve({ mode: 'fast' }))).toBe('INVALID_FLAG:mode');
    // the test bundle has L = 4: a relaxed list needs 4 tolerances (or one number)
    expect(code(() => resolve({ acceptance: 'relaxed:1,1' }))).toBe('INVALID_FLAG:acceptance');
    expect(resolve({ acceptance: 'relaxed:1,1,0,0' }).acceptance).toBe('relaxed:1,1,0,0');
    expect(resolve({ acceptance: 'relaxed:2' }).acceptance).toBe('relaxed:2');
    const noDraft = (await writeRandomBundle(join(root, 'bundle-no-draft'), { dims: { C: 8, A: 7, H: 3, L: 4, K: 5, F: 8, k: 0 }, seed: 1 })).dir;
    expect(resolve({ bundle: noDraft }).modes).toEqual(['baseline', 'jacobi']);
    expect(code(() => resolve({ bundle: noDraft, mode: 'both' }))).toBe('INVALID_FLAG:mode');
  });

  it('--mode continuous: the teacher head alone or listed with the others, only when named; refused for a bundle without continuous.onnx', async () => {
    const withHead = await tinyBundle(root, { continuous: true });
    expect(resolve({ bundle: withHead, mode: 'continuous' }).modes).toEqual(['continuous']);
    expect(resolve({ bundle: withHead, mode: 'continuous,rsd,baseline' }).modes).toEqual(['baseline', 'rsd', 'continuous']);
    expect(resolve({ bundle: withHead, mode: 'baseline, rsd, jacobi, continuous' }).modes).toEqual(['baseline', 'rsd', 'jacobi', 'continuous']);
    // the defaults and the shorthands stay the token modes
    expect(resolve({ bundle: withHead }).modes).toEqual(['baseline', 'rsd']);
    expect(resolve({ bundle: withHead, mode: 'both' }).modes).toEqual(['baseline', 'rsd']);
    expect(resolve({ bundle: withHead, mode: 'all' }).modes).toEqual(['baseline', 'rsd', 'jacobi']);
    expect(code(() => resolve({ bundle: withHead, mode: 'baseline,teacher' }))).toBe('INVALID_FLAG:mode');
    // the test bundle ships no continuous head: a config-time error naming the bundle and the file
    expect(code(() => resolve({ mode: 'baseline,rsd,continuous' }))).toBe('INVALID_FLAG:mode');
    expect(() => resolve({ mode: 'continuous' })).toThrow(`bundle ${bundle} has no continuous.onnx (manifest.json has no "continuous" block)`);
    // and keeps working for the other modes
    expect(resolve({ mode: 'all' }).modes).toEqual(['baseline', 'rsd', 'jacobi']);
  });

  it('takes execute steps and ensemble from the flags, else from the bundle\'s execution block', async () => {
    expect(resolve({ ensemble: 'temporal:0.1', executeSteps: '1' })).toMatchObject({ ensemble: 'temporal:0.1', executeSteps: 1 });
    expect(code(() => resolve({ ensemble: 'temporal:-2' }))).toBe('INVALID_FLAG:ensemble');
    const dir = (await writeRandomBundle(join(root, 'bundle-exec'), { dims: { C: 8, A: 7, H: 3, L: 4, K: 5, F: 8, k: 2 }, seed: 1 })).dir;
    const manifest = JSON.parse(readFileSync(join(dir, 'manifest.json'), 'utf8'));
    writeFileSync(join(dir, 'manifest.json'), JSON.stringify({ ...manifest, execution: { executeSteps: 2, ensemble: 'temporal:0.5' } }));
    expect(resolve({ bundle: dir })).toMatchObject({ ensemble: 'temporal:0.5', executeSteps: 2 });
    expect(resolve({ bundle: dir, ensemble: 'none', executeSteps: '8' })).toMatchObject({ ensemble: 'none', executeSteps: 8 });
  });

  it('--init-states validation runs the embedded suite on its held-out states; refused elsewhere', () => {
    expect(resolve({})).toMatchObject({ initStates: 'fixed', env: { kind: 'embedded', initStates: 'fixed' } });
    expect(resolve({ initStates: 'validation' })).toMatchObject({ initStates: 'validation', env: { kind: 'embedded', initStates: 'validation' } });
    expect(code(() => resolve({ initStates: 'validation', env: 'python', suite: 'libero_spatial' }))).toBe('INVALID_FLAG:init-states');
    expect(code(() => resolve({ initStates: 'test' }))).toBe('INVALID_FLAG:init-states');
  });

  it('fills the documented defaults', () => {
    const c = resolve({});
    expect(c).toMatchObject({ suite: 'embedded_spatial', env: { kind: 'embedded' }, modes: ['baseline', 'rsd'], acceptance: 'exact', trials: 50, seed: 7, maxSteps: 220, waitSteps: 10, executeSteps: 8, ensemble: 'none', workers: 2, video: 0 });
    expect(c.tasks).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    expect(c.outDir).toBe(join(root, 'results/embedded_spatial-2026-01-02T03-04-05Z'));
  });

  it('uses LIBERO step limits for the other suites', () => {
    expect(resolve({ suite: 'libero_10', env: 'python' }).maxSteps).toBe(520);
    expect(resolve({ suite: 'libero_object', env: 'tcp://127.0.0.1:5555,tcp://10.0.0.2:5555' })).toMatchObject({ maxSteps: 280, workers: 2 });
  });

  it('refuses bad flags naming the flag, before any work', () => {
    expect(code(() => resolve({ suite: 'libero_fake' }))).toBe('INVALID_FLAG:suite');
    expect(code(() => resolve({ trials: '0' }))).toBe('INVALID_FLAG:trials');
    expect(code(() => resolve({ trials: '51' }))).toBe('INVALID_FLAG:trials');
    expect(code(() => resolve({ trials: 'x' }))).toBe('INVALID_FLAG:trials');
    expect(code(() => resolve({ tasks: '0,10' }))).toBe('INVALID_FLAG:tasks');
    expect(code(() => resolve({ mode: 'fast' }))).toBe('INVALID_FLAG:mode');
    // the test bundle has L = 4: a relaxed list needs 4 tolerances (or one number)
    expect(code(() => resolve({ acceptance: 'relaxed:1,1' }))).toBe('INVALID_FLAG:acceptance');
    expect(resolve({ acceptance: 'relaxed:1,1,0,0' }).acceptance).toBe('relaxed:1,1,0,0');
    expect(resolve({ acceptance: 'relaxed:2' }).acceptance).toBe('relaxed:2');
    expect(code(() => resolve({ acceptance: 'relaxed' }))).toBe('INVALID_FLAG:acceptance');
    expect(code(() => resolve({ env: 'tcp://host' }))).toBe('INVALID_FLAG:env');
    expect(code(() => resolve({ env: 'python' }))).toBe('INVALID_FLAG:env');
    expect(code(() => resolve({ executeSteps: '9' }))).toBe('INVALID_FLAG:execute-steps');
    expect(code(() => resolve({ draftLayers: '5' }))).toBe('INVALID_FLAG:draft-layers');
    expect(code(() => resolve({ workers: '0' }))).toBe('INVALID_FLAG:workers');
    expect(code(() => resolve({ bundle: join(root, 'nope') }))).toBe('MISSING_BUNDLE:bundle');
    expect(code(() => parseEvalFlags(['--trails', '3']))).toBe('INVALID_FLAG:argv');
  });

  it('takes a resumed run\'s saved values and refuses a differing flag by field', () => {
    const first = resolve({ trials: '3', tasks: '1,0', seed: '11', out: 'r1' });
    expect(first.tasks).toEqual([0, 1]);
    const saved = { identity: runIdentityOf(first), bundleDir: first.bundleDir, env: 'embedded' };
    const again = resolveEvalConfig({ resume: 'r1' }, { ...ctx(), saved }).config;
    expect(runIdentityOf(again)).toEqual(runIdentityOf(first));
    expect(again.outDir).toBe(first.outDir);
    const changed = resolveEvalConfig({ resume: 'r1', seed: '12' }, { ...ctx(), saved }).config;
    expect(() => compareRunIdentity(saved.identity, changed, 'r1')).toThrow(/field "seed" \(--seed\) differs/);
  });
});
