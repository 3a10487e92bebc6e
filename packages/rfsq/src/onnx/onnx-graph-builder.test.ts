import * as ort from 'onnxruntime-node';
import { describe, expect, it } from 'vitest';
import { OnnxGraphBuilder, attrFloat } from './onnx-graph-builder.ts';

describe('OnnxGraphBuilder', () => {
  it('builds a Gemm + Relu graph that ONNX Runtime runs with the expected numbers', async () => {
    const g = new OnnxGraphBuilder('gemm_relu');
    const x = g.input('x', 'float32', ['B', 2]);
    const w = g.constFloat([1, -1, 2, 0.5], [2, 2]);
    const b = g.constFloat([0.25, -10]);
    const y = g.op('Gemm', [x, w, b], { transB: 1, alpha: attrFloat(1) });
    g.output(g.op('Relu', [y], {}, 'y'), 'float32', ['B', 2]);
    const session = await ort.InferenceSession.create(g.build());
    const out = await session.run({ x: new ort.Tensor('float32', Float32Array.from([1, 2, -3, 4]), [2, 2]) });
    // y = x·Wᵀ + b. row [1, 2]: [1 - 2 + .25, 2 + 1 - 10] = [-0.75, -7] → relu → [0, 0]
    // row [-3, 4]: [-3 - 4 + .25, -6 + 2 - 10] → [0, 0]
    expect(Array.from(out.y!.data as Float32Array)).toEqual([0, 0, 0, 0]);
    // row [3, 1]: [3 - 1 + .25, 6 + .5 - 10] = [2.25, -3.5] → [2.25, 0]; row [0, 0]: b → [0.25, 0]
    const out2 = await session.run({ x: new ort.Tensor('float32', Float32Array.from([3, 1, 0, 0]), [2, 2]) });
    expect(Array.from(out2.y!.data as Float32Array)).toEqual([2.25, 0, 0.25, 0]);
  });

  it('refuses a duplicate name and an output nobody produces', () => {
    const g = new OnnxGraphBuilder('bad');
    g.input('x', 'float32', [1]);
    expect(() => g.input('x', 'float32', [1])).toThrowError(/"x" is defined twice/);
    g.output('nowhere', 'float32', [1]);
    expect(() => g.build()).toThrowError(/"nowhere" of bad is never produced/);
  });

  it('refuses initializer data that does not fit its dims', () => {
    const g = new OnnxGraphBuilder('bad');
    expect(() => g.initializer('w', 'float32', [2, 3], new Float32Array(5))).toThrowError(/needs 6/);
  });
});
