import * as ort from 'onnxruntime-node';
import { describe, expect, it } from 'vitest';
import type { RfsqParams } from '../core/rfsq-params.ts';
import { RfsqTokenizer } from '../core/rfsq-tokenizer.ts';
import { residualQuantize } from '../core/residual-fsq.ts';
import { randomRfsqParams } from '../testing/random-rfsq-params.ts';
import { SeededPrng } from '../util/seeded-prng.ts';
import { exportRfsqOnnx } from './export-rfsq-onnx.ts';

function randomActions(params: RfsqParams, B: number, seed: number): Float32Array {
  const rng = new SeededPrng(seed);
  const { C, A } = params.config;
  const { low, high } = params.actionNormalization;
  return Float32Array.from({ length: B * C * A }, (_, i) => {
    const d = i % A;
    return low[d]! + (high[d]! - low[d]!) * rng.uniform(-0.2, 1.2);
  });
}

async function runOnnx(params: RfsqParams, actions: Float32Array, B: number) {
  const { C, A, H, L } = params.config;
  const { encoder, decoder } = exportRfsqOnnx(params);
  const enc = await ort.InferenceSession.create(encoder);
  const dec = await ort.InferenceSession.create(decoder);
  expect(enc.inputNames).toEqual(['actions']);
  expect(enc.outputNames).toEqual(['tokens', 'latent']);
  expect(dec.inputNames).toEqual(['tokens']);
  expect(dec.outputNames).toEqual(['actions']);
  const e = await enc.run({ actions: new ort.Tensor('float32', actions, [B, C, A]) });
  expect(e.tokens!.type).toBe('int64');
  expect(e.tokens!.dims).toEqual([B, C, H, L]);
  const tokens = e.tokens!.data as BigInt64Array;
  const d = await dec.run({ tokens: new ort.Tensor('int64', tokens, [B, C, H, L]) });
  expect(d.actions!.dims).toEqual([B, C, A]);
  return { tokens: Int32Array.from(tokens, Number), latent: e.latent!.data as Float32Array, actions: d.actions!.data as Float32Array };
}

describe('exportRfsqOnnx', () => {
  for (const [variant, levels] of [
    ['robust', undefined],
    ['naive', undefined],
    ['robust', [8, 5, 5, 5]],
  ] as const) {
    it(`${variant}${levels ? ` levels [${levels}]` : ''}: ONNX Runtime computes what the TypeScript core computes`, async () => {
      const H = levels?.length ?? 7;
      const params = randomRfsqParams({ C: 8, A: 7, H, L: 8, K: levels ? 8 : 7, levels, variant, hidden: [48, 32] }, 11);
      const B = 33;
      const actions = randomActions(params, B, 5);
      const onnx = await runOnnx(params, actions, B);
      const tok = new RfsqTokenizer(params);
      const latent = tok.encodeLatent(actions);
      latent.forEach((v, i) => expect(Math.abs(v - onnx.latent[i]!)).toBeLessThan(1e-5));
      // Given the same latent, the graph's residual quantizer picks exactly the core's codes.
      expect(onnx.tokens).toEqual(residualQuantize(onnx.latent, params.config, params).tokens);
      // The encoder's tokens differ from the core's only where float32 rounding of the MLP flips a code.
      const coreTokens = tok.encode(actions);
      const differing = coreTokens.filter((c, i) => c !== onnx.tokens[i]).length;
      expect(differing).toBeLessThanOrEqual(Math.ceil(coreTokens.length * 0.01));
      const decoded = tok.decode(onnx.tokens);
      decoded.forEach((v, i) => expect(Math.abs(v - onnx.actions[i]!)).toBeLessThan(1e-5 * Math.max(1, Math.abs(v))));
    });
  }

  it('naive tokens from a random tokenizer use more than one code per layer 0 and stay in range', async () => {
    const params = randomRfsqParams({ C: 4, A: 3, H: 2, L: 3, K: 5, variant: 'naive' }, 2);
    const { tokens } = await runOnnx(params, randomActions(params, 64, 9), 64);
    expect(tokens.every((c) => c >= 0 && c < 5)).toBe(true);
    expect(new Set(tokens.filter((_, i) => i % 3 === 0)).size).toBeGreaterThan(1);
  });

  it('the ONNX decoder decodes a chunk’s tokens the same whatever else is in the batch', async () => {
    const params = randomRfsqParams({ C: 8, A: 7, H: 7, L: 8, K: 7, variant: 'robust', hidden: [64, 64] }, 21);
    const dec = await ort.InferenceSession.create(exportRfsqOnnx(params).decoder);
    const per = 8 * 7 * 8;
    const B = 40;
    const tokens = BigInt64Array.from({ length: B * per }, (_, i) => BigInt((i * 7919) % 7));
    const batch = (await dec.run({ tokens: new ort.Tensor('int64', tokens, [B, 8, 7, 8]) })).actions!.data as Float32Array;
    for (const b of [0, 17, 39]) {
      const alone = (await dec.run({ tokens: new ort.Tensor('int64', tokens.slice(b * per, (b + 1) * per), [1, 8, 7, 8]) })).actions!
        .data as Float32Array;
      // ONNX Runtime may block its GEMM differently per batch size: equal up to float32 rounding.
      alone.forEach((v, i) => expect(Math.abs(v - batch[b * 56 + i]!)).toBeLessThanOrEqual(1e-6 * Math.max(1, Math.abs(v))));
    }
    await dec.release();
  });

  it('refuses invalid params before writing anything', () => {
    const params = randomRfsqParams({ C: 2, A: 2, H: 2, L: 2, K: 3, variant: 'robust' }, 1);
    expect(() => exportRfsqOnnx({ ...params, layerScales: [1, -1] })).toThrowError(/layerScales must be positive/);
  });
});
