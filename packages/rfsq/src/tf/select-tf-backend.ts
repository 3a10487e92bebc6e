import type * as TfModule from '@tensorflow/tfjs';
import { execFileSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { RfsqError } from '../errors/rfsq-error.ts';

/** A TensorFlow.js backend RSD can train on, fastest first. */
export type TfBackendName = 'tensorflow' | 'wasm' | 'cpu';

export interface SelectedTfBackend {
  readonly tf: typeof TfModule;
  readonly backend: TfBackendName;
  /** Which package provides it, e.g. `@tensorflow/tfjs-node-gpu`. */
  readonly provider: string;
}

function hasNvidiaGpu(): boolean {
  try {
    return execFileSync('nvidia-smi', ['-L'], { stdio: ['ignore', 'pipe', 'ignore'] }).toString().includes('GPU');
  } catch {
    return false;
  }
}

/** The module, or why it could not load: "not installed", or the real error of a broken install. */
async function tryImport(name: string): Promise<typeof TfModule | string> {
  try {
    return (await import(name)) as typeof TfModule;
  } catch (error) {
    const code = (error as { code?: string }).code;
    if (code === 'ERR_MODULE_NOT_FOUND' || code === 'MODULE_NOT_FOUND') return `${name} not installed`;
    return `${name} failed to load: ${error instanceof Error ? error.message.split('\n')[0] : String(error)}`;
  }
}

/**
 * Picks the TensorFlow.js backend at run time, as PLATFORM.md describes: the native
 * `tensorflow` backend (tfjs-node-gpu where a GPU is present, else tfjs-node) when the
 * optional package installed, else `wasm`, else the pure-JS `cpu` backend. `prefer` forces
 * one; a forced backend that cannot start is an error, never a silent switch. The choice is
 * reported through `log` (default: stderr).
 */
export async function selectTfBackend(
  options: { prefer?: TfBackendName; log?: (line: string) => void } = {},
): Promise<SelectedTfBackend> {
  const log = options.log ?? ((line: string) => process.stderr.write(`${line}\n`));
  const order: TfBackendName[] = options.prefer ? [options.prefer] : ['tensorflow', 'wasm', 'cpu'];
  const reasons: string[] = [];
  for (const backend of order) {
    if (backend === 'tensorflow') {
      for (const provider of hasNvidiaGpu() ? ['@tensorflow/tfjs-node-gpu', '@tensorflow/tfjs-node'] : ['@tensorflow/tfjs-node']) {
        const tf = await tryImport(provider);
        if (typeof tf === 'string') {
          reasons.push(tf);
          continue;
        }
        if (await tf.setBackend('tensorflow')) {
          log(`[rsd] TensorFlow.js backend: tensorflow (${provider})`);
          return { tf, backend, provider };
        }
        reasons.push(`${provider} installed but its tensorflow backend did not start`);
      }
      continue;
    }
    if (reasons.length > 0) log(`[rsd] TensorFlow.js: trying ${backend} (${reasons.join('; ')})`);
    const tf = (await import('@tensorflow/tfjs')) as typeof TfModule;
    if (backend === 'wasm') {
      const wasm = await import('@tensorflow/tfjs-backend-wasm');
      const require = createRequire(import.meta.url);
      const dir = dirname(require.resolve('@tensorflow/tfjs-backend-wasm/package.json'));
      wasm.setWasmPaths(join(dir, 'dist') + '/');
    }
    if (await tf.setBackend(backend)) {
      await tf.ready();
      log(`[rsd] TensorFlow.js backend: ${backend} (@tensorflow/tfjs${backend === 'wasm' ? '-backend-wasm' : ''})`);
      return { tf, backend, provider: backend === 'wasm' ? '@tensorflow/tfjs-backend-wasm' : '@tensorflow/tfjs' };
    }
    reasons.push(`${backend} failed to initialise`);
  }
  throw new RfsqError('INVALID_CONFIG', `no TensorFlow.js backend could start (${reasons.join('; ')})`, {
    subject: 'backend',
  });
}
