import { OnnxGraphBuilder } from '@rsd/rfsq';
import onnxProto from 'onnx-proto';
import * as ort from 'onnxruntime-node';

const { onnx } = onnxProto;
import { describe, expect, it } from 'vitest';
import { prependInputAffine } from './prepend-input-affine.ts';

/** features float32 [B, 2] = tanh(proprio [B, 3] · W). */
function tinyModel(): Uint8Array {
  const g = new OnnxGraphBuilder('tiny');
  g.input('proprio', 'float32', ['B', 3]);
  const w = g.constFloat([0.5, -1, 2, 0.25, -0.75, 1.5], [3, 2], 'w');
  const y = g.op('MatMul', ['proprio', w]);
  g.op('Tanh', [y], {}, 'features');
  g.output('features', 'float32', ['B', 2]);
  return g.build();
}

async function run(model: Uint8Array, x: Float32Array): Promise<Float32Array> {
  const s = await ort.InferenceSession.create(model);
  const out = await s.run({ proprio: new ort.Tensor('float32', x, [x.length / 3, 3]) });
  await s.release();
  return out.features!.data as Float32Array;
}

describe('prependInputAffine', () => {
  it('model(x · scale + bias) equals the rewritten model(x), as ONNX Runtime computes them', async () => {
    const scale = [1, 1, -1];
    const bias = [0, -0.9, 0];
    const x = Float32Array.of(0.1, 1.2, -0.03, -0.2, 1.05, -0.06);
    const old = Float32Array.from(x, (v, i) => v * scale[i % 3]! + bias[i % 3]!);
    const expected = await run(tinyModel(), old);
    const got = await run(prependInputAffine(tinyModel(), 'proprio', scale, bias), x);
    for (let i = 0; i < expected.length; i++) expect(Math.abs(got[i]! - expected[i]!)).toBeLessThan(1e-6);
  });

  it('applied twice (a rebase of a rebased model), it keeps every node name unique and composes the maps', async () => {
    const once = prependInputAffine(tinyModel(), 'proprio', [2, 1, 1], [0, 0.5, 0]);
    const twice = prependInputAffine(once, 'proprio', [1, -1, 1], [0.1, 0, 0]);
    const names = onnx.ModelProto.decode(twice).graph!.node!.map((n) => n.name ?? '');
    expect(new Set(names).size).toBe(names.length);
    const x = Float32Array.of(0.1, 1.2, -0.03);
    const inner = Float32Array.from(x, (v, i) => v * [1, -1, 1][i]! + [0.1, 0, 0][i]!);
    const expected = await run(tinyModel(), Float32Array.from(inner, (v, i) => v * [2, 1, 1][i]! + [0, 0.5, 0][i]!));
    const got = await run(twice, x);
    for (let i = 0; i < expected.length; i++) expect(Math.abs(got[i]! - expected[i]!)).toBeLessThan(1e-6);
  });

  it('refuses an unknown input and mismatched constants by name', () => {
    expect(() => prependInputAffine(tinyModel(), 'image', [1, 1, 1], [0, 0, 0])).toThrow(/no input "image"/);
    expect(() => prependInputAffine(tinyModel(), 'proprio', [1, 1], [0, 0])).toThrow(/3 columns/);
    expect(() => prependInputAffine(tinyModel(), 'proprio', [1, 1, 1], [0])).toThrow(RangeError);
  });
});
