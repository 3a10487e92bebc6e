import { describe, expect, it } from 'vitest';
import { selectTfBackend } from './select-tf-backend.ts';

describe('selectTfBackend', () => {
  it('starts the forced wasm backend, says so, and computes on it', async () => {
    const lines: string[] = [];
    const { tf, backend } = await selectTfBackend({ prefer: 'wasm', log: (l) => lines.push(l) });
    expect(backend).toBe('wasm');
    expect(tf.getBackend()).toBe('wasm');
    expect(lines.join('\n')).toMatch(/backend: wasm/);
    expect(Array.from(tf.matMul(tf.tensor2d([[1, 2]]), tf.tensor2d([[3], [4]])).dataSync())).toEqual([11]);
  });

  it('refuses a forced native backend that is not installed here, naming it', async () => {
    let installed = true;
    try {
      await import('@tensorflow/tfjs-node' as string);
    } catch {
      installed = false;
    }
    if (installed) return; // on machines with tfjs-node this path is not an error
    await expect(selectTfBackend({ prefer: 'tensorflow', log: () => {} })).rejects.toThrowError(
      /tfjs-node not installed/,
    );
  });
});
