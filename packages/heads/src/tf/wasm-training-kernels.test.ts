import { fc, test } from '@fast-check/vitest';
import { SeededPrng, selectTfBackend } from '@rsd/rfsq';
import { beforeAll, describe, expect } from 'vitest';
import { registerWasmTrainingKernels } from './wasm-training-kernels.ts';

type Tf = Awaited<ReturnType<typeof selectTfBackend>>['tf'];
let tf: Tf;

beforeAll(async () => {
  tf = (await selectTfBackend({ prefer: 'wasm', log: () => {} })).tf;
  registerWasmTrainingKernels(tf);
});

/** Deterministic values in [-1, 1) from a seed (no Math.random). */
const values = (n: number, seed: number) => new SeededPrng(seed).floats(n, -1, 1);

/** Gradients of sum(conv2d(x, w) * g) w.r.t. x and w, on the given backend. */
async function convGrads(backend: string, xs: number[], ws: number[], stride: number, pad: 'same' | 'valid', seed: number) {
  await tf.setBackend(backend);
  const x = tf.tensor4d(values(xs.reduce((a, b) => a * b), seed), xs as [number, number, number, number]);
  const w = tf.tensor4d(values(ws.reduce((a, b) => a * b), seed + 1), ws as [number, number, number, number]);
  const f = (a: typeof x, b: typeof w) => tf.conv2d(a, b, stride, pad).mul(tf.conv2d(a, b, stride, pad)).sum();
  const [dx, dw] = tf.grads(f as never)([x, w]);
  const out = { dx: await dx!.data(), dw: await dw!.data() };
  tf.dispose([x, w, dx!, dw!]);
  return out;
}

function maxRelErr(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let scale = 1e-6;
  let err = 0;
  for (let i = 0; i < a.length; i++) {
    scale = Math.max(scale, Math.abs(b[i]!));
    err = Math.max(err, Math.abs(a[i]! - b[i]!));
  }
  return err / scale;
}

describe('wasm training kernels', () => {
  test.prop(
    [
      fc.record({
        N: fc.integer({ min: 1, max: 3 }),
        H: fc.integer({ min: 3, max: 9 }),
        W: fc.integer({ min: 3, max: 9 }),
        Ci: fc.integer({ min: 1, max: 4 }),
        k: fc.integer({ min: 1, max: 3 }),
        Co: fc.integer({ min: 1, max: 4 }),
        stride: fc.integer({ min: 1, max: 2 }),
        pad: fc.constantFrom('same' as const, 'valid' as const),
        seed: fc.integer({ min: 1, max: 1_000_000 }),
      }),
    ],
    { numRuns: 25 },
  )('conv2d gradients on wasm equal the cpu backend (rel. 1e-5)', async (p) => {
    const xs = [p.N, p.H, p.W, p.Ci];
    const ws = [p.k, p.k, p.Ci, p.Co];
    const ref = await convGrads('cpu', xs, ws, p.stride, p.pad, p.seed);
    const got = await convGrads('wasm', xs, ws, p.stride, p.pad, p.seed);
    expect(maxRelErr(got.dx, ref.dx)).toBeLessThan(1e-5);
    expect(maxRelErr(got.dw, ref.dw)).toBeLessThan(1e-5);
  });

  test.prop(
    [fc.integer({ min: 1, max: 7 }), fc.integer({ min: 1, max: 7 }), fc.integer({ min: 1, max: 7 }), fc.boolean(), fc.boolean()],
    { numRuns: 25 },
  )('matMul with transposes on wasm equals the cpu backend', async (m, k, n, ta, tb) => {
    const run = async (backend: string) => {
      await tf.setBackend(backend);
      const a = tf.tensor2d(values(m * k, m * 31 + k), ta ? [k, m] : [m, k]);
      const b = tf.tensor2d(values(k * n, n * 17 + k), tb ? [n, k] : [k, n]);
      const c = tf.matMul(a, b, ta, tb);
      const out = await c.data();
      tf.dispose([a, b, c]);
      return out;
    };
    expect(maxRelErr(await run('wasm'), await run('cpu'))).toBeLessThan(1e-5);
  });

  test.prop([fc.integer({ min: 1, max: 4 })], { numRuns: 3 })('leaks no tensors', async (seed) => {
    await tf.setBackend('wasm');
    const before = tf.memory().numTensors;
    await convGrads('wasm', [2, 6, 6, 3], [3, 3, 3, 4], 2, 'same', seed);
    expect(tf.memory().numTensors).toBe(before);
  });
});
