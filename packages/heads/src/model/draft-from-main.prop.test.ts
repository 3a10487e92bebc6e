import { fc, test } from '@fast-check/vitest';
import { describe, expect, it } from 'vitest';
import type { HeadsConfig } from '../heads-config.ts';
import { arbHeadsConfig } from '../testing/arbitraries.ts';
import { randomHeadWeights } from '../testing/random-head-weights.ts';
import { SeededRandom } from '../testing/seeded-random.ts';
import { draftForward } from './draft-forward.ts';
import { draftFromMainLayer0 } from './draft-from-main.ts';
import { mainForward } from './main-forward.ts';

const arbCfg = arbHeadsConfig().chain((c) =>
  fc
    .integer({ min: Math.ceil(c.mainWidth / c.L), max: Math.ceil(c.mainWidth / c.L) + 4 })
    .map((draftWidth): HeadsConfig => ({ ...c, draftDepth: c.mainDepth, draftWidth })),
);

describe('draftFromMainLayer0', () => {
  test.prop([arbCfg, fc.integer({ min: 0, max: 2 ** 31 - 1 })], { numRuns: 60 })(
    "gives draft layer-0 logits equal to main's, whatever the tokens",
    (cfg, seed) => {
      const w = randomHeadWeights(cfg, seed);
      const draft = draftFromMainLayer0(cfg, w.main, w.draft);
      const rng = new SeededRandom(seed + 1);
      const B = 2;
      const features = rng.floats(B * cfg.F, -2, 2);
      const tokens = Int32Array.from({ length: B * cfg.C * cfg.H * cfg.L }, () => rng.int(cfg.K));
      const d = draftForward(cfg, draft, features, B); // [B, C, H, k, K]
      const m = mainForward(cfg, w.main, features, tokens, B); // [B, C, H, L, K]
      for (let r = 0; r < B * cfg.C * cfg.H; r++) {
        for (let v = 0; v < cfg.K; v++) {
          const a = d[(r * cfg.draftLayers + 0) * cfg.K + v]!;
          const b = m[(r * cfg.L + 0) * cfg.K + v]!;
          if (!(Math.abs(a - b) <= 1e-5 * (1 + Math.abs(b))))
            expect.fail(`position ${r} code ${v}: draft ${a} vs main ${b}`);
        }
      }
      // the base draft's other output layers are kept
      if (cfg.draftLayers > 1) expect(draft['out.bias']![cfg.K]).toBe(w.draft['out.bias']![cfg.K]);
    },
  );

  it('names the config field that makes the copy impossible', () => {
    const cfg: HeadsConfig = {
      F: 2,
      C: 1,
      H: 1,
      L: 2,
      K: 2,
      draftLayers: 1,
      mainWidth: 8,
      mainDepth: 2,
      draftWidth: 8,
      draftDepth: 1,
    };
    const w = randomHeadWeights(cfg, 0);
    expect(() => draftFromMainLayer0(cfg, w.main, w.draft)).toThrowError(/cfg.draftDepth/);
    const narrow = { ...cfg, draftDepth: 2, draftWidth: 3 };
    const w2 = randomHeadWeights(narrow, 0);
    expect(() => draftFromMainLayer0(narrow, w2.main, w2.draft)).toThrowError(/cfg.draftWidth \(3\) must be >= 4/);
  });
});
