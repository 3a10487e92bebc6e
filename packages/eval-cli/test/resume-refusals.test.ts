import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { writeRandomBundle } from '@rsd/heads/testing';
import { beforeAll, describe, expect, it } from 'vitest';
import type { EvalFlags } from '../src/cli/eval-flags.ts';
import { runEval } from '../src/commands/run-eval.ts';
import { featuresRecordOf } from '../src/config/compare-run-features.ts';
import { runIdentityOf } from '../src/config/eval-config.ts';
import { resolveEvalConfig } from '../src/config/resolve-eval-config.ts';
import { RUN_FORMAT, type RunManifest } from '../src/results/run-manifest.ts';
import { collectProgress, tempDir } from './fixtures.ts';

// --resume refuses what would mix two runs in one log, naming what differs: the bundle (by its
// manifest's sha256), the --features module (path or content) and its config, and every setting
// of the evaluation protocol. All refusals come before any server is contacted or episode run.
const root = tempDir('resume-refusals');
const dims = { C: 8, A: 7, H: 3, L: 4, K: 5, F: 8, k: 2 };
const module = join(root, 'm.py');
const other = join(root, 'other.py');
const config = join(root, 'c.json');
let external = '';
let external2 = '';
let dir = '';

const base = (): EvalFlags => ({ suite: 'libero_spatial', env: 'python', bundle: external, features: module, featuresConfig: config, trials: '2', tasks: '0', maxSteps: '16' });

/** A run folder as `eval` leaves it before its first episode: run.json only. */
function runFolder(name: string): string {
  const out = join(root, name);
  mkdirSync(out, { recursive: true });
  const { config: c } = resolveEvalConfig({ ...base(), out }, { cores: 2, now: new Date(0), cwd: root, defaultBundleDir: join(root, 'none') });
  const features = c.env.kind === 'python' ? c.env.features : undefined;
  const run: RunManifest = { format: RUN_FORMAT, identity: runIdentityOf(c), env: 'python', bundleDir: c.bundleDir, startedAt: new Date(0).toISOString(), ...(features === undefined ? {} : { features: featuresRecordOf(features) }) };
  writeFileSync(join(out, 'run.json'), JSON.stringify(run));
  return out;
}

const refusal = (flags: EvalFlags) =>
  runEval(flags, { progress: collectProgress(), cwd: root }).then(
    () => 'no error',
    (e: unknown) => `${(e as { code?: string }).code}: ${(e as Error).message}`,
  );

beforeAll(async () => {
  external = (await writeRandomBundle(join(root, 'ext'), { dims, seed: 1, backbone: { kind: 'external', provider: 'p', F: 8 } })).dir;
  external2 = (await writeRandomBundle(join(root, 'ext2'), { dims, seed: 2, backbone: { kind: 'external', provider: 'p', F: 8 } })).dir;
  writeFileSync(module, 'def features(a, w, p, i):\n    return [0.0] * 8\n');
  writeFileSync(other, 'def features(a, w, p, i):\n    return [1.0] * 8\n');
  writeFileSync(config, '{"a": 1}');
  dir = runFolder('run');
}, 60_000);

describe('--resume refuses what would mix runs', () => {
  it('another bundle (manifest sha256)', async () => {
    expect(await refusal({ resume: dir, bundle: external2 })).toMatch(/^RESUME_MISMATCH: .*field "bundleSha256" \(--bundle \(manifest.json sha256\)\)/);
  });

  it('another --features module, or the same path with other content', async () => {
    expect(await refusal({ resume: dir, features: other, featuresConfig: config })).toMatch(/^RESUME_MISMATCH: .*--features differs from the saved run: saved ".*m.py", now ".*other.py"/);
    const changed = runFolder('changed-module');
    writeFileSync(module, 'def features(a, w, p, i):\n    return [2.0] * 8\n');
    try {
      expect(await refusal({ resume: changed })).toMatch(/^RESUME_MISMATCH: .*--features differs .*m.py changed since the run started \(sha256 saved [0-9a-f]{64}, now [0-9a-f]{64}\)/);
    } finally {
      writeFileSync(module, 'def features(a, w, p, i):\n    return [0.0] * 8\n');
    }
  });

  it('another --features-config (text, or the same file with other content)', async () => {
    expect(await refusal({ resume: dir, featuresConfig: '{"a": 2}' })).toMatch(/^RESUME_MISMATCH: .*--features-config differs from the saved run: saved ".*c.json", now "\{\\"a\\": 2\}"/);
    writeFileSync(config, '{"a": 3}');
    try {
      expect(await refusal({ resume: dir })).toMatch(/^RESUME_MISMATCH: .*--features-config differs .*c.json changed since the run started/);
    } finally {
      writeFileSync(config, '{"a": 1}');
    }
  });

  it('any setting of the evaluation protocol, named by its flag', async () => {
    const cases: [EvalFlags, RegExp][] = [
      [{ maxSteps: '17' }, /field "maxSteps" \(--max-steps\)/],
      [{ waitSteps: '3' }, /field "waitSteps" \(--wait-steps\)/],
      [{ executeSteps: '4' }, /field "executeSteps" \(--execute-steps\)/],
      [{ ensemble: 'temporal:0.5' }, /field "ensemble" \(--ensemble\)/],
      [{ renderSize: '64' }, /field "renderSize" \(--render-size\)/],
      [{ seed: '8' }, /field "seed" \(--seed\)/],
      [{ acceptance: 'relaxed:1' }, /field "acceptance" \(--acceptance\)/],
    ];
    for (const [flags, want] of cases) expect(await refusal({ resume: dir, ...flags }), JSON.stringify(flags)).toMatch(want);
  });

  it('the same setup with only --workers, --attempts or --server-wait changed is accepted (and fails later, here: no server)', async () => {
    // no --features flags: the saved module and config are used; the spawned stdio server cannot
    // import LIBERO here (no stand-in on PYTHONPATH), which is a setup fault, not a refusal
    const r = await refusal({ resume: dir, workers: '1', attempts: '2', serverWait: '5' });
    expect(r).not.toMatch(/RESUME_MISMATCH/);
  }, 60_000);
});
