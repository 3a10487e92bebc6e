import { draftForward } from '@rsd/heads';
import { SeededRandom } from '@rsd/heads/testing';
import { describe, expect, it } from 'vitest';
import { argmaxAt } from '../decode/logits-math.ts';
import { distillDraftLeastSquares } from './distill-draft.ts';

describe('distillDraftLeastSquares', () => {
  it('learns tokens that are a function of clustered features (held-out agreement 100%)', () => {
    const cfg = { F: 5, C: 2, H: 2, L: 3, K: 4, draftLayers: 2, mainWidth: 1, mainDepth: 1, draftWidth: 32, draftDepth: 1 };
    const rng = new SeededRandom(3);
    const centers = Array.from({ length: 4 }, () => rng.floats(cfg.F, -2, 2));
    const codes = Array.from({ length: 4 }, () => Int32Array.from({ length: 4 * cfg.L }, () => rng.int(cfg.K)));
    const sample = (N: number) => {
      const f = new Float32Array(N * cfg.F);
      const t = new Int32Array(N * 4 * cfg.L);
      for (let n = 0; n < N; n++) {
        const c = n % 4;
        for (let i = 0; i < cfg.F; i++) f[n * cfg.F + i] = centers[c]![i]! + rng.uniform(-0.05, 0.05);
        t.set(codes[c]!, n * 4 * cfg.L);
      }
      return { f, t };
    };
    const block = { weight: rng.floats(32 * cfg.F, -0.5, 0.5), bias: rng.floats(32, -0.5, 0.5) };
    const train = sample(200);
    const w = distillDraftLeastSquares(cfg, block, train.f, train.t, 200);
    const test = sample(40);
    const logits = draftForward(cfg, w, test.f, 40); // [N, C, H, k, K]
    let wrong = 0;
    for (let n = 0; n < 40; n++) {
      for (let pos = 0; pos < 4; pos++) {
        for (let l = 0; l < 2; l++) if (argmaxAt(logits, ((n * 4 + pos) * 2 + l) * cfg.K, cfg.K) !== test.t[(n * 4 + pos) * cfg.L + l]) wrong++;
      }
    }
    expect(wrong).toBe(0);
  });
});
