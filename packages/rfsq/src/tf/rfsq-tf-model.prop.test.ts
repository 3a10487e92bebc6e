import { fc, test } from '@fast-check/vitest';
import * as ort from 'onnxruntime-node';
import { beforeAll, describe, expect, it } from 'vitest';
import { exportRfsqOnnx } from '../onnx/export-rfsq-onnx.ts';
import { randomRfsqParams } from '../testing/random-rfsq-params.ts';
import { RfsqTfModel } from './rfsq-tf-model.ts';
import type { SelectedTfBackend } from './select-tf-backend.ts';
import { selectTfBackend } from './select-tf-backend.ts';

let backend: SelectedTfBackend;
beforeAll(async () => {
  backend = await selectTfBackend({ prefer: 'wasm', log: () => {} });
});

const arbCase = fc.record({
  seed: fc.integer({ min: 0, max: 10_000 }),
  variant: fc.constantFrom('robust' as const, 'naive' as const),
  perDim: fc.boolean(),
  B: fc.integer({ min: 1, max: 6 }),
  inputs: fc.array(fc.float({ min: -3, max: 3, noNaN: true }), { minLength: 6 * 4 * 3, maxLength: 6 * 4 * 3 }),
});

describe('RfsqTfModel vs the ONNX export (properties)', () => {
  test.prop([arbCase], { numRuns: 12 })('ONNX encoder/decoder outputs equal the TensorFlow.js model’s (1e-5)', async (c) => {
    const { tf } = backend;
    const levels = c.perDim ? [8, 5, 5] : undefined;
    const params = randomRfsqParams({ C: 4, A: 3, H: 3, L: 4, K: levels ? 8 : 7, levels, variant: c.variant, hidden: [24, 16] }, c.seed);
    const model = new RfsqTfModel(tf, params);
    const { encoder, decoder } = exportRfsqOnnx(params);
    const [enc, dec] = await Promise.all([ort.InferenceSession.create(encoder), ort.InferenceSession.create(decoder)]);
    const n = c.B * 12;
    const actions = Float32Array.from(c.inputs.slice(0, n));
    const e = await enc.run({ actions: new ort.Tensor('float32', actions, [c.B, 4, 3]) });
    const onnxLatent = e.latent!.data as Float32Array;
    const onnxTokens = Int32Array.from(e.tokens!.data as BigInt64Array, Number);

    const x = tf.tensor3d(actions, [c.B, 4, 3]);
    const tfOut = model.encodeActions(x, params.actionNormalization);
    const tfLatent = tfOut.latent.dataSync();
    tfLatent.forEach((v, i) => expect(Math.abs(v - onnxLatent[i]!)).toBeLessThanOrEqual(1e-5));
    // The TF.js quantizer, fed the graph's latent, gives the graph's tokens exactly.
    const zOnnx = tf.tensor2d(onnxLatent, [c.B, 12]);
    const codes = model.quantizeLatent(zOnnx);
    expect(Int32Array.from(codes.dataSync(), Math.round)).toEqual(onnxTokens);

    const tokens = tf.tensor4d(onnxTokens, [c.B, 4, 3, 4], 'int32');
    const tfActions = model.decodeTokens(tokens, params.actionNormalization).dataSync();
    const d = await dec.run({ tokens: new ort.Tensor('int64', BigInt64Array.from(onnxTokens, (v) => BigInt(v)), [c.B, 4, 3, 4]) });
    const onnxActions = d.actions!.data as Float32Array;
    tfActions.forEach((v, i) => expect(Math.abs(v - onnxActions[i]!)).toBeLessThanOrEqual(1e-5 * Math.max(1, Math.abs(v))));
    tf.dispose([x, tfOut.latent, tfOut.tokens, zOnnx, codes, tokens]);
    model.dispose();
    await Promise.all([enc.release(), dec.release()]);
  });
});

describe('RfsqTfModel training path', () => {
  it('passes gradients straight through the quantizer to the encoder, without leaking tensors', () => {
    const { tf } = backend;
    const params = randomRfsqParams({ C: 2, A: 3, H: 2, L: 3, K: 5, variant: 'robust', hidden: [8] }, 4);
    const model = new RfsqTfModel(tf, params);
    const xn = tf.tensor2d(Float32Array.from({ length: 4 * 6 }, (_, i) => Math.sin(i)), [4, 6]);
    const before = tf.memory().numTensors;
    const { grads, value } = tf.variableGrads(() => {
      const f = model.forward(xn);
      f.residuals.dispose();
      return tf.losses.meanSquaredError(xn, f.xHat) as ReturnType<typeof tf.scalar>;
    }, model.variables());
    const encoderWeight = model.variables()[0]!;
    const g = grads[encoderWeight.name]!;
    expect(tf.tidy(() => tf.max(tf.abs(g)).dataSync()[0]!)).toBeGreaterThan(0);
    tf.dispose([value, ...Object.values(grads)]);
    expect(tf.memory().numTensors).toBe(before);
    xn.dispose();
    model.dispose();
  });
});
