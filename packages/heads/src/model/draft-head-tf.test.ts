import { selectTfBackend } from '@rsd/rfsq';
import { beforeAll, describe, expect, it } from 'vitest';
import type { HeadsConfig } from '../heads-config.ts';
import { randomHeadWeights } from '../testing/random-head-weights.ts';
import { draftLayer0FrozenMasks } from './draft-from-main.ts';
import { DraftHeadTf } from './draft-head-tf.ts';
import type { Tf } from './tf-dense.ts';

let tf: Tf;
beforeAll(async () => {
  tf = (await selectTfBackend({ log: () => {} })).tf;
});

describe('DraftHeadTf with frozen entries', () => {
  it('training moves the free entries and never the frozen ones', () => {
    const cfg: HeadsConfig = {
      F: 3,
      C: 1,
      H: 2,
      L: 2,
      K: 3,
      draftLayers: 2,
      mainWidth: 4,
      mainDepth: 2,
      draftWidth: 4,
      draftDepth: 2,
    };
    const w = randomHeadWeights(cfg, 3).draft;
    const masks = draftLayer0FrozenMasks(cfg);
    const draft = new DraftHeadTf(tf, cfg, w, masks);
    const opt = tf.train.sgd(0.5);
    const f = tf.tensor2d([1, -1, 0.5, 0.2, 0.3, -2], [2, 3]);
    for (let i = 0; i < 3; i++) {
      const cost = opt.minimize(() => tf.sum(tf.square(draft.apply(f))) as never, true, draft.variables)!;
      cost.dispose();
    }
    const after = draft.weights();
    let moved = 0;
    for (const [name, mask] of Object.entries(masks)) {
      mask.forEach((m, i) => {
        if (m === 1) expect(after[name]![i], `${name}[${i}]`).toBe(w[name]![i]);
        else if (after[name]![i] !== w[name]![i]) moved++;
      });
    }
    expect(moved).toBeGreaterThan(10);
    tf.dispose([f]);
    opt.dispose();
    draft.dispose();
  });
});
