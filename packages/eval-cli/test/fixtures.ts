import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { exportContinuousHeadOnnx, writeBundle, type BundleFile, type BundleFileMap } from '@rsd/heads';
import { writeRandomBundle } from '@rsd/heads/testing';

/** The package folder (where `src/cli/main.ts` lives). */
export const PACKAGE_DIR = fileURLToPath(new URL('..', import.meta.url));

/** The stand-in `libero` package of the bridge's tests (NOT LIBERO: synthetic, deterministic). */
export const STAND_IN_PYTHONPATH = fileURLToPath(new URL('../../libero-bridge/python/stand_in', import.meta.url));

export function tempDir(prefix: string): string {
  return mkdtempSync(join(tmpdir(), `eval-cli-${prefix}-`));
}

/**
 * A random-weight bundle (real ONNX files, real engine) with a 32×32 backbone input: the policy
 * will not succeed at tasks, which is fine for protocol and schema tests. `continuous: true` adds
 * the teacher's continuous head (a random linear `continuous.onnx` and the manifest's `continuous`
 * block), in `<dir>/bundle-continuous`; the other files are the same as the plain bundle's.
 */
export async function tinyBundle(dir: string, options: { readonly continuous?: boolean } = {}): Promise<string> {
  const continuous = options.continuous === true;
  const b = await writeRandomBundle(join(dir, continuous ? 'bundle-continuous' : 'bundle'), {
    dims: { C: 8, A: 7, H: 4, L: 4, K: 5, F: 16, k: 2 },
    seed: 11,
    backbone: { image: { height: 32, width: 32 }, instruction: { kind: 'hashed-words', vocabSize: 64, maxTokens: 8 } },
  });
  if (!continuous) return b.dir;
  const m = b.manifest;
  const { F, C, A } = m.dims;
  // deterministic small weights: actions stay within the environment's range
  let state = 12345;
  const next = () => ((state = (Math.imul(state, 1103515245) + 12345) >>> 0) / 2 ** 32 - 0.5) * 0.2;
  const head = exportContinuousHeadOnnx({ F, C, A }, {
    kernel: Float32Array.from({ length: F * C * A }, next),
    bias: new Float32Array(C * A),
    actionMean: new Array<number>(A).fill(0),
    actionStd: new Array<number>(A).fill(0.5),
  });
  const models: Partial<Record<BundleFile, Uint8Array>> = { 'continuous.onnx': head };
  for (const f of Object.keys(m.files) as BundleFile[]) models[f] = readFileSync(join(b.dir, f));
  await writeBundle(
    b.dir,
    {
      name: `${m.name}-continuous`,
      dims: m.dims,
      actionNormalization: m.actionNormalization,
      tokenizer: m.tokenizer,
      backbone: m.backbone,
      provenance: m.provenance,
      continuous: { description: 'test teacher: a random linear continuous head on the test backbone' },
      models: models as BundleFileMap<Uint8Array>,
    },
    { overwrite: true },
  );
  return b.dir;
}

/** Starts `rsd-eval eval …` from sources in a child process. */
export function spawnCli(args: readonly string[], env: Record<string, string> = {}): ChildProcess {
  return spawn(process.execPath, ['--import', 'tsx', '--conditions=@rsd/source', join(PACKAGE_DIR, 'src/cli/main.ts'), 'eval', ...args], {
    cwd: PACKAGE_DIR,
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
}

/** Runs the CLI to completion: exit code and output. */
export function runCli(args: readonly string[], env: Record<string, string> = {}): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawnCli(args, env);
    let stdout = '';
    let stderr = '';
    child.stdout!.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

/** A progress sink that keeps the lines (as when piped). */
export function collectProgress(): { write(s: string): void; isTTY: false; text(): string } {
  let text = '';
  return { write: (s: string) => void (text += s), isTTY: false, text: () => text };
}
