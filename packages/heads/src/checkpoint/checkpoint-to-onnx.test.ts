import { fc, test } from '@fast-check/vitest';
import * as ort from 'onnxruntime-node';
import { describe, expect, it } from 'vitest';
import { HeadsError } from '../errors/heads-error.ts';
import type { HeadsConfig } from '../heads-config.ts';
import { headParameterSpecs } from '../model/head-parameters.ts';
import type { HeadArch } from '../model/head-parameters.ts';
import { draftForward } from '../model/draft-forward.ts';
import { mainForward } from '../model/main-forward.ts';
import { arbHeadsConfig } from '../testing/arbitraries.ts';
import { randomHeadWeights } from '../testing/random-head-weights.ts';
import { SeededRandom } from '../testing/seeded-random.ts';
import type { CheckpointDType, CheckpointTensor } from './checkpoint-tensor.ts';
import { checkpointToOnnx } from './checkpoint-to-onnx.ts';
import { bfloat16BitsToNumber, float16BitsToNumber, numberToBFloat16Bits, numberToFloat16Bits } from './half-float.ts';
import { parseCheckpoint } from './load-checkpoint.ts';
import { writeSafetensors } from './safetensors-writer.ts';
import { writeTorchCheckpoint } from './torch-checkpoint-writer.ts';

const round: Record<string, (x: number) => number> = {
  float32: Math.fround,
  float16: (x) => float16BitsToNumber(numberToFloat16Bits(x)),
  bfloat16: (x) => bfloat16BitsToNumber(numberToBFloat16Bits(x)),
};

/** The head's weights as a state_dict of `dtype`, and the float32 weights it decodes to. */
function stateDict(cfg: HeadsConfig, arch: HeadArch, seed: number, dtype: CheckpointDType) {
  const w = randomHeadWeights(cfg, seed)[arch];
  const sd = new Map<string, CheckpointTensor>();
  const decoded: Record<string, Float32Array> = {};
  for (const s of headParameterSpecs(cfg, arch)) {
    decoded[s.name] = w[s.name]!.map(round[dtype]!);
    sd.set(s.name, { dtype, shape: s.shape, data: decoded[s.name]! });
  }
  return { sd, decoded };
}

async function runOnnx(onnx: Uint8Array, cfg: HeadsConfig, arch: HeadArch, B: number, seed: number) {
  const rng = new SeededRandom(seed);
  const features = rng.floats(B * cfg.F, -2, 2);
  const tokens = BigInt64Array.from({ length: B * cfg.C * cfg.H * cfg.L }, () => BigInt(rng.int(cfg.K)));
  const session = await ort.InferenceSession.create(onnx);
  try {
    const feeds: Record<string, ort.Tensor> = { features: new ort.Tensor('float32', features, [B, cfg.F]) };
    if (arch === 'main') feeds.tokens = new ort.Tensor('int64', tokens, [B, cfg.C, cfg.H, cfg.L]);
    const out = await session.run(feeds);
    return { logits: out.logits!.data as Float32Array, features, tokens };
  } finally {
    await session.release();
  }
}

function expectClose(actual: Float32Array, expected: Float32Array, tol: number): void {
  expect(actual.length).toBe(expected.length);
  for (let i = 0; i < actual.length; i++) {
    if (!(Math.abs(actual[i]! - expected[i]!) <= tol * (1 + Math.abs(expected[i]!))))
      expect.fail(`logit ${i}: ${actual[i]} vs ${expected[i]}`);
  }
}

describe('checkpointToOnnx', () => {
  test.prop(
    [
      arbHeadsConfig(),
      fc.constantFrom<HeadArch>('draft', 'main'),
      fc.constantFrom<CheckpointDType>('float32', 'float16', 'bfloat16'),
      fc.boolean(),
      fc.nat(),
    ],
    { numRuns: 12 },
  )(
    'a .pt or .safetensors checkpoint holding its config converts to ONNX equal to the reference forward',
    async (cfg, arch, dtype, pt, seed) => {
      const { sd, decoded } = stateDict(cfg, arch, seed, dtype);
      const bytes = pt
        ? writeTorchCheckpoint(
            new Map<string, never>([
              ['config', new Map(Object.entries(cfg)) as never],
              ['state_dict', sd as never],
              ['epoch', 3 as never],
            ]),
          )
        : writeSafetensors(
            sd,
            new Map([
              ['config', JSON.stringify(cfg)],
              ['arch', arch],
            ]),
          );
      const converted = checkpointToOnnx(parseCheckpoint(bytes, pt ? 'h.pt' : 'h.safetensors'), { arch });
      expect(converted.config).toEqual(cfg);
      expect(converted.configSources).toEqual(['checkpoint', 'shapes']);
      const B = 2;
      const { logits, features, tokens } = await runOnnx(converted.onnx, cfg, arch, B, seed);
      const want =
        arch === 'draft' ? draftForward(cfg, decoded, features, B) : mainForward(cfg, decoded, features, tokens, B);
      expectClose(logits, want, 1e-5);
    },
  );

  it('takes the missing config fields from the caller and refuses contradictions, naming the field', () => {
    const cfg: HeadsConfig = {
      F: 4,
      C: 2,
      H: 2,
      L: 3,
      K: 3,
      draftLayers: 2,
      mainWidth: 5,
      mainDepth: 2,
      draftWidth: 3,
      draftDepth: 1,
    };
    const ckpt = parseCheckpoint(writeTorchCheckpoint(stateDict(cfg, 'main', 1, 'float32').sd), 'bare.pt');
    const { C, H, L, K, draftLayers, draftWidth, draftDepth } = cfg;
    const out = checkpointToOnnx(ckpt, { arch: 'main', config: { C, H, L, K, draftLayers, draftWidth, draftDepth } });
    expect(out.config).toEqual(cfg);
    expect(out.configSources).toEqual(['given', 'shapes']);
    let err: unknown;
    try {
      checkpointToOnnx(ckpt, { arch: 'main', config: { C, H, L: 2, K, draftLayers: 1, draftWidth, draftDepth } });
    } catch (e) {
      err = e;
    }
    // L = 2 fits the config checks but not in_tokens.weight's shape
    expect(HeadsError.isInstance(err) && err.code === 'CHECKPOINT_MISMATCH' && err.subject).toBe('in_tokens.weight');
  });

  it('refuses converting a checkpoint saved as the other head', () => {
    const cfg: HeadsConfig = {
      F: 4,
      C: 2,
      H: 2,
      L: 3,
      K: 3,
      draftLayers: 2,
      mainWidth: 5,
      mainDepth: 2,
      draftWidth: 3,
      draftDepth: 1,
    };
    const bytes = writeSafetensors(
      stateDict(cfg, 'main', 1, 'float32').sd,
      new Map([
        ['config', JSON.stringify(cfg)],
        ['arch', 'main'],
      ]),
    );
    expect(() => checkpointToOnnx(parseCheckpoint(bytes, 'main.safetensors'), { arch: 'draft' })).toThrow(
      /holds the main head/,
    );
  });
});
