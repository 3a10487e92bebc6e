import * as ort from 'onnxruntime-node';
import { describe, expect, it } from 'vitest';
import type { BackboneInfo } from '../bundle/bundle-manifest.ts';
import { exportTestBackboneOnnx } from './test-backbone-onnx.ts';

const info: BackboneInfo = {
  image: { height: 8, width: 8 },
  instruction: { kind: 'hashed-words', vocabSize: 16, maxTokens: 3 },
};

async function features(model: Uint8Array, image: Uint8Array, words: bigint[]): Promise<number[]> {
  const session = await ort.InferenceSession.create(model);
  const out = await session.run({
    image: new ort.Tensor('uint8', image, [1, 8, 8, 3]),
    instruction: new ort.Tensor('int64', BigInt64Array.from(words), [1, 3]),
  });
  expect(out.features!.dims).toEqual([1, 4]);
  return Array.from(out.features!.data as Float32Array);
}

describe('exportTestBackboneOnnx', () => {
  const model = exportTestBackboneOnnx(info, 4, 9);
  const grey = new Uint8Array(8 * 8 * 3).fill(128);

  it('reads the image, and the instruction as a bag of words where 0 is padding', async () => {
    const base = await features(model, grey, [5n, 2n, 0n]);
    expect(await features(model, grey, [2n, 5n, 0n])).toEqual(base);
    expect(await features(model, grey, [6n, 2n, 0n])).not.toEqual(base);
    expect(await features(model, grey, [5n, 2n, 3n])).not.toEqual(base);
    const bright = grey.slice().fill(255, 0, 3 * 8 * 2); // top two rows white
    expect(await features(model, bright, [5n, 2n, 0n])).not.toEqual(base);
  });

  it('is deterministic in the seed', () => {
    expect(exportTestBackboneOnnx(info, 4, 9)).toEqual(model);
    expect(exportTestBackboneOnnx(info, 4, 10)).not.toEqual(model);
  });
});
