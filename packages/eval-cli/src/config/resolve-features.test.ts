import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { writeRandomBundle } from '@rsd/heads/testing';
import { beforeAll, describe, expect, it } from 'vitest';
import type { EvalFlags } from '../cli/eval-flags.ts';
import { parseEvalFlags } from '../cli/eval-flags.ts';
import { resolveEvalConfig } from './resolve-eval-config.ts';

// --features / --features-config against the bundle's backbone kind and --env
const root = mkdtempSync(join(tmpdir(), 'eval-features-'));
const dims = { C: 8, A: 7, H: 3, L: 4, K: 5, F: 8, k: 2 };
let onnx = '';
let external = '';
const module = join(root, 'm.py');
beforeAll(async () => {
  onnx = (await writeRandomBundle(join(root, 'onnx'), { dims, seed: 1 })).dir;
  external = (await writeRandomBundle(join(root, 'ext'), { dims, seed: 1, backbone: { kind: 'external', provider: 'p', F: 8 } })).dir;
  writeFileSync(module, 'def features(a, w, p, i):\n    return [0.0] * 8\n');
});
const ctx = { cores: 2, now: new Date('2026-01-02T03:04:05Z'), cwd: root, defaultBundleDir: join(root, 'none') };
const resolve = (flags: EvalFlags) => resolveEvalConfig(flags, ctx).config;
const refusal = (flags: EvalFlags) => {
  try {
    resolve(flags);
  } catch (e) {
    return `${(e as { code?: string }).code}:${(e as { subject?: string }).subject}: ${(e as Error).message}`;
  }
  return 'no error';
};
const lr = { suite: 'libero_spatial' };

describe('features for a bundle with an external backbone', () => {
  it('--env python --features: the spawned servers get the module (absolute) and its config', () => {
    expect(resolve({ ...lr, env: 'python', bundle: external, features: 'm.py', featuresConfig: '{"a": 1}' }).env).toEqual({ kind: 'python', features: { module, config: '{"a": 1}' } });
  });

  it('--env tcp://…: servers bring their own module; the client asks for features', () => {
    expect(resolve({ ...lr, env: 'tcp://127.0.0.1:5555', bundle: external }).env).toEqual({ kind: 'tcp', endpoints: ['tcp://127.0.0.1:5555'], features: true });
    expect(refusal({ ...lr, env: 'tcp://127.0.0.1:5555', bundle: external, features: 'm.py' })).toMatch(/^INVALID_FLAG:features: .*start them with rsd_libero_server.py --features/);
  });

  it('refused: on --env embedded (naming the bundle and --env), without --features on python, with a missing module', () => {
    expect(refusal({ bundle: external })).toMatch(new RegExp(`^INVALID_FLAG:env: --env: bundle ${external} has an external backbone .*provider "p".*--env embedded has no such provider`));
    expect(refusal({ ...lr, env: 'python', bundle: external })).toMatch(/^INVALID_FLAG:features: .*--env python needs --features <module.py>/);
    expect(refusal({ ...lr, env: 'python', bundle: external, features: 'missing.py' })).toMatch(/^INVALID_FLAG:features: .*missing.py: no such file/);
  });

  it('a bundle with its own backbone.onnx takes no --features', () => {
    expect(refusal({ ...lr, env: 'python', bundle: onnx, features: 'm.py' })).toMatch(/^INVALID_FLAG:features: .*has its own backbone.onnx/);
    expect(resolve({ ...lr, env: 'python', bundle: onnx }).env).toEqual({ kind: 'python' });
  });

  it('--features-config: a file path resolves where the user stood, inline JSON stays as typed', () => {
    const saved = process.env.RSD_INVOCATION_CWD;
    process.env.RSD_INVOCATION_CWD = root;
    try {
      expect(parseEvalFlags(['--features', 'm.py', '--features-config', 'c.json'])).toMatchObject({ features: module, featuresConfig: join(root, 'c.json') });
      expect(parseEvalFlags(['--features-config', ' {"x": 1}'])).toMatchObject({ featuresConfig: ' {"x": 1}' });
    } finally {
      if (saved === undefined) delete process.env.RSD_INVOCATION_CWD;
      else process.env.RSD_INVOCATION_CWD = saved;
    }
  });
});
