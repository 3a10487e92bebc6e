import { fc, test } from '@fast-check/vitest';
import { describe, expect, it } from 'vitest';
import { HeadsError } from '../errors/heads-error.ts';
import type { HeadsConfig } from '../heads-config.ts';
import { headParameterSpecs } from '../model/head-parameters.ts';
import type { HeadArch } from '../model/head-parameters.ts';
import { arbHeadsConfig } from '../testing/arbitraries.ts';
import { randomHeadWeights } from '../testing/random-head-weights.ts';
import type { CheckpointTensor } from './checkpoint-tensor.ts';
import { headWeightsFromStateDict } from './head-weights-from-state-dict.ts';
import { inferHeadsConfig } from './infer-heads-config.ts';

const CFG: HeadsConfig = {
  F: 5,
  C: 2,
  H: 3,
  L: 4,
  K: 3,
  draftLayers: 2,
  mainWidth: 6,
  mainDepth: 2,
  draftWidth: 4,
  draftDepth: 1,
};

/** A state_dict as PyTorch would save it for these weights. */
function stateDictOf(cfg: HeadsConfig, arch: HeadArch, seed = 1, prefix = ''): Map<string, CheckpointTensor> {
  const w = randomHeadWeights(cfg, seed)[arch];
  return new Map(
    headParameterSpecs(cfg, arch).map((s) => [prefix + s.name, { dtype: 'float32', shape: s.shape, data: w[s.name]! }]),
  );
}

function error(fn: () => unknown): HeadsError {
  try {
    fn();
  } catch (e) {
    if (HeadsError.isInstance(e)) return e;
    throw e;
  }
  throw new Error('nothing thrown');
}

describe('headWeightsFromStateDict', () => {
  test.prop([arbHeadsConfig(), fc.constantFrom<HeadArch>('draft', 'main'), fc.nat()], { numRuns: 30 })(
    'maps every parameter by name, values unchanged, and the shapes fix F, widths and depths',
    (cfg, arch, seed) => {
      const sd = stateDictOf(cfg, arch, seed);
      const weights = headWeightsFromStateDict(sd, cfg, { arch, source: 'x.pt' });
      for (const [name, t] of sd) expect(weights[name]).toEqual(t.data);
      const { C, H, L, K, draftLayers } = cfg;
      const other =
        arch === 'main'
          ? { draftWidth: cfg.draftWidth, draftDepth: cfg.draftDepth }
          : { mainWidth: cfg.mainWidth, mainDepth: cfg.mainDepth };
      const partial = {
        C,
        H,
        L,
        K,
        draftLayers,
        ...other,
        ...(arch === 'draft' && cfg.draftDepth === 0 ? { draftWidth: cfg.draftWidth } : {}),
      };
      expect(inferHeadsConfig(sd, partial, { arch, source: 'x.pt' })).toEqual(cfg);
    },
  );

  it('names a missing parameter, and hints at a prefix', () => {
    const sd = stateDictOf(CFG, 'main');
    sd.delete('hidden.0.bias');
    const err = error(() => headWeightsFromStateDict(sd, CFG, { arch: 'main', source: 'm.pt' }));
    expect(err.code).toBe('CHECKPOINT_MISMATCH');
    expect(err.subject).toBe('hidden.0.bias');
    expect(err.message).toContain('m.pt');
    const prefixed = stateDictOf(CFG, 'main', 1, 'module.');
    expect(error(() => headWeightsFromStateDict(prefixed, CFG, { arch: 'main', source: 'm.pt' })).message).toContain(
      '"module."',
    );
    expect(
      Object.keys(headWeightsFromStateDict(prefixed, CFG, { arch: 'main', source: 'm.pt', prefix: 'module.' })),
    ).toContain('in_tokens.weight');
  });

  it('names an extra parameter', () => {
    const sd = stateDictOf(CFG, 'draft');
    sd.set('blocks.1.weight', { dtype: 'float32', shape: [4, 4], data: new Float32Array(16) });
    const err = error(() => headWeightsFromStateDict(sd, CFG, { arch: 'draft', source: 'd.pt' }));
    expect(err.subject).toBe('blocks.1.weight');
  });

  it('names a wrong-shaped or integer parameter', () => {
    const sd = stateDictOf(CFG, 'draft');
    sd.set('out.weight', { dtype: 'float32', shape: [4, 2 * 3 * 2 * 3], data: new Float32Array(144) }); // transposed
    expect(error(() => headWeightsFromStateDict(sd, CFG, { arch: 'draft', source: 'd.pt' })).subject).toBe(
      'out.weight',
    );
    const ints = stateDictOf(CFG, 'draft');
    ints.set('out.bias', { dtype: 'int64', shape: [36], data: new BigInt64Array(36) });
    expect(error(() => headWeightsFromStateDict(ints, CFG, { arch: 'draft', source: 'd.pt' })).message).toContain(
      'int64[36]',
    );
  });

  it('takes float16/bfloat16 exactly and rounds float64 to float32', () => {
    const sd = stateDictOf(CFG, 'draft');
    sd.set('out.bias', { dtype: 'float64', shape: [36], data: new Float64Array(36).fill(0.1) });
    sd.set('blocks.0.bias', { dtype: 'float16', shape: [4], data: Float32Array.of(0.5, -2, 0.333251953125, 0) });
    const w = headWeightsFromStateDict(sd, CFG, { arch: 'draft', source: 'd.pt' });
    expect(w['out.bias']![0]).toBe(Math.fround(0.1));
    expect([...w['blocks.0.bias']!]).toEqual([0.5, -2, 0.333251953125, 0]);
  });
});

describe('inferHeadsConfig', () => {
  it('refuses a given field the shapes contradict, naming it', () => {
    const err = error(() =>
      inferHeadsConfig(stateDictOf(CFG, 'main'), { ...CFG, mainWidth: 7 }, { arch: 'main', source: 'm.pt' }),
    );
    expect(err.code).toBe('CHECKPOINT_MISMATCH');
    expect(err.subject).toBe('mainWidth');
  });

  it('names the fields nothing determines', () => {
    const err = error(() => inferHeadsConfig(stateDictOf(CFG, 'main'), {}, { arch: 'main', source: 'm.pt' }));
    expect(err.code).toBe('INVALID_CONFIG');
    expect(err.message).toMatch(/C, H, L, K, draftLayers, draftWidth, draftDepth/);
  });
});
