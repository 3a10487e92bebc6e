import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
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
 * will not succeed at tasks, which is fine for protocol and schema tests.
 */
export async function tinyBundle(dir: string): Promise<string> {
  const b = await writeRandomBundle(join(dir, 'bundle'), {
    dims: { C: 8, A: 7, H: 4, L: 4, K: 5, F: 16, k: 2 },
    seed: 11,
    backbone: { image: { height: 32, width: 32 }, instruction: { kind: 'hashed-words', vocabSize: 64, maxTokens: 8 } },
  });
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
