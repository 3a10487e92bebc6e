import { OnnxGraphBuilder } from '@rsd/rfsq';
import { describe, expect, it } from 'vitest';
import { RsdError } from '../errors/rsd-error.ts';
import { OrtBackend } from './ort-backend.ts';

function reluModel(): Uint8Array {
  const g = new OnnxGraphBuilder('relu');
  g.op('Relu', [g.input('x', 'float32', ['B', 3])], {}, 'y');
  g.output('y', 'float32', ['B', 3]);
  return g.build();
}

describe('OrtBackend', () => {
  it('tries cuda then cpu, logs the provider each session got, and reads the declared signature', async () => {
    const lines: string[] = [];
    const session = await new OrtBackend().createSession('relu.onnx', reluModel(), { log: (l) => lines.push(l) });
    expect(lines.at(-1)).toBe(`rsd-engine: relu.onnx: running on ${session.executionProvider}`);
    // first session of this process: a cpu session means cuda was tried and its failure logged
    if (session.executionProvider === 'cpu') expect(lines[0]).toMatch(/^rsd-engine: relu\.onnx: execution provider cuda unavailable \(.+\); trying the next one$/);
    expect(session.inputs).toEqual([{ name: 'x', type: 'float32', shape: ['B', 3] }]);
    expect(session.outputs).toEqual([{ name: 'y', type: 'float32', shape: ['B', 3] }]);
    const out = await session.run({ x: { type: 'float32', data: Float32Array.from([-1, 2, -3, 4, -5, 6]), dims: [2, 3] } });
    expect(Array.from(out.y!.data as Float32Array)).toEqual([0, 2, 0, 4, 0, 6]);
    expect(session.runMs).toBeGreaterThan(0);
    await session.release();
  });

  it('a model no provider can load is MODEL_LOAD_FAILED naming the file', async () => {
    const error = await new OrtBackend().createSession('junk.onnx', Uint8Array.from([1, 2, 3]), { executionProviders: ['cpu'], log: () => {} }).catch((e: unknown) => e);
    expect(RsdError.isInstance(error) && error.code).toBe('MODEL_LOAD_FAILED');
    expect((error as RsdError).subject).toBe('junk.onnx');
  });

  it('a failed run is INFERENCE_FAILED naming the file', async () => {
    const session = await new OrtBackend().createSession('relu.onnx', reluModel(), { executionProviders: ['cpu'] });
    await expect(session.run({ x: { type: 'float32', data: new Float32Array(4), dims: [2, 2] } })).rejects.toMatchObject({
      code: 'INFERENCE_FAILED',
      subject: 'relu.onnx',
    });
    await session.release();
  });

  it('refuses an unknown provider naming the option', async () => {
    await expect(
      new OrtBackend().createSession('relu.onnx', reluModel(), { executionProviders: ['tpu' as 'cpu'] }),
    ).rejects.toMatchObject({ code: 'INVALID_OPTIONS', subject: 'executionProviders' });
  });
});
