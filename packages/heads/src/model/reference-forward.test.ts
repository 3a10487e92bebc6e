import { describe, expect, it } from 'vitest';
import { HeadsError } from '../errors/heads-error.ts';
import type { HeadsConfig } from '../heads-config.ts';
import { randomHeadWeights } from '../testing/random-head-weights.ts';
import { draftForward } from './draft-forward.ts';
import { checkHeadWeights } from './head-parameters.ts';
import { mainForward } from './main-forward.ts';

const f32 = (...v: number[]) => Float32Array.from(v);

describe('draftForward', () => {
  it('computes out(relu(blocks.0(x))) reshaped to [B, C, H, k, K]', () => {
    const cfg: HeadsConfig = {
      F: 2,
      C: 1,
      H: 1,
      L: 2,
      K: 2,
      draftLayers: 1,
      mainWidth: 1,
      mainDepth: 1,
      draftWidth: 2,
      draftDepth: 1,
    };
    const w = {
      'blocks.0.weight': f32(1, 0, 0, -1), // [2, 2]
      'blocks.0.bias': f32(0, 0.5),
      'out.weight': f32(1, 1, 2, -1), // [2, 2]
      'out.bias': f32(0, 1),
    };
    // x = [3, 1] → blocks: [3, -1 + .5 = -.5] → relu [3, 0] → out [3, 6 + 1 = 7]
    expect(Array.from(draftForward(cfg, w, f32(3, 1), 1))).toEqual([3, 7]);
  });
});

describe('mainForward', () => {
  it('matches a hand computation with L = 2 (layer 0 sees features only, layer 1 sees token 0)', () => {
    const cfg: HeadsConfig = {
      F: 1,
      C: 1,
      H: 1,
      L: 2,
      K: 2,
      draftLayers: 1,
      mainWidth: 2,
      mainDepth: 1,
      draftWidth: 1,
      draftDepth: 0,
    };
    // units: degree 0 (unit 0), degree 1 (unit 1). Token columns: l0v0 l0v1 l1v0 l1v1
    const w = {
      'in_features.weight': f32(1, 1),
      'in_features.bias': f32(0, 0),
      'in_tokens.weight': f32(9, 9, 9, 9, /* unit 1 */ 2, 5, 7, 7), // unit 0 row fully masked; unit 1 sees layer 0 only
      'out.weight': f32(1, 1, /* l0v1 */ 1, 1, /* l1v0 */ 1, 1, /* l1v1 */ 0, 1), // layer-0 rows see unit 0 only
      'out.bias': f32(0, 0, 0, 0),
    };
    // feature 1, tokens [layer0 = 1, layer1 = 0]: z0 = 1, z1 = 1 + 5 = 6
    // layer 0 logits: [z0, z0] = [1, 1]; layer 1: [z0 + z1, z1] = [7, 6]
    expect(Array.from(mainForward(cfg, w, f32(1), Int32Array.of(1, 0), 1))).toEqual([1, 1, 7, 6]);
    // changing the layer-1 token changes nothing; changing the layer-0 token changes layer 1 only
    expect(Array.from(mainForward(cfg, w, f32(1), Int32Array.of(1, 1), 1))).toEqual([1, 1, 7, 6]);
    expect(Array.from(mainForward(cfg, w, f32(1), Int32Array.of(0, 1), 1))).toEqual([1, 1, 4, 3]);
  });

  it('refuses tokens out of range and inputs of the wrong size', () => {
    const cfg: HeadsConfig = {
      F: 2,
      C: 1,
      H: 1,
      L: 2,
      K: 3,
      draftLayers: 1,
      mainWidth: 3,
      mainDepth: 2,
      draftWidth: 1,
      draftDepth: 0,
    };
    const { main } = randomHeadWeights(cfg, 1);
    expect(() => mainForward(cfg, main, f32(0, 0), Int32Array.of(0, 3), 1)).toThrowError(/tokens must be in \[0, 3\)/);
    expect(() => mainForward(cfg, main, f32(0), Int32Array.of(0, 0), 1)).toThrowError(/features must be/);
  });
});

describe('checkHeadWeights', () => {
  const cfg: HeadsConfig = {
    F: 2,
    C: 1,
    H: 1,
    L: 2,
    K: 3,
    draftLayers: 1,
    mainWidth: 3,
    mainDepth: 2,
    draftWidth: 4,
    draftDepth: 1,
  };
  const { main, draft } = randomHeadWeights(cfg, 7);
  const subject = (fn: () => void) => {
    try {
      fn();
    } catch (e) {
      if (HeadsError.isInstance(e) && e.code === 'CHECKPOINT_MISMATCH') return e.subject;
      throw e;
    }
    return undefined;
  };

  it('accepts random weights of both heads', () => {
    expect(subject(() => checkHeadWeights(cfg, 'main', main))).toBeUndefined();
    expect(subject(() => checkHeadWeights(cfg, 'draft', draft))).toBeUndefined();
  });

  it('names a missing, extra or mis-sized parameter', () => {
    const { ['hidden.0.bias']: _gone, ...missing } = main;
    expect(subject(() => checkHeadWeights(cfg, 'main', missing))).toBe('hidden.0.bias');
    expect(subject(() => checkHeadWeights(cfg, 'main', { ...main, 'hidden.1.weight': f32(1) }))).toBe(
      'hidden.1.weight',
    );
    expect(subject(() => checkHeadWeights(cfg, 'draft', { ...draft, 'out.bias': f32(1) }))).toBe('out.bias');
  });
});
