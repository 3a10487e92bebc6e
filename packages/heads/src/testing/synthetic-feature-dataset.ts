import type { HeadsConfig } from '../heads-config.ts';
import { mainForward } from '../model/main-forward.ts';
import { greedyDecode } from '../train/greedy-decode.ts';
import type { FeatureDataset } from '../train/feature-dataset.ts';
import { randomHeadWeights } from './random-head-weights.ts';
import { SeededRandom } from './seeded-random.ts';

/**
 * A synthetic feature dataset for smoke tests of training: features uniform in [-1, 1] and
 * tokens from greedy decoding of a random "teacher" main head (weights scaled by `sharpness`,
 * so the tokens depend on the features and on the lower layers). Deterministic in `seed`.
 */
export async function syntheticFeatureDataset(
  cfg: HeadsConfig,
  N: number,
  seed: number,
  sharpness = 4,
): Promise<FeatureDataset> {
  if (!Number.isInteger(N) || N < 1) throw new RangeError(`N must be a positive integer, got ${N}`);
  const teacher = Object.fromEntries(
    Object.entries(randomHeadWeights(cfg, seed).main).map(([n, w]) => [n, w.map((v) => v * sharpness)]),
  );
  const features = new SeededRandom(seed + 1).floats(N * cfg.F, -1, 1);
  const tokens = await greedyDecode(cfg, N, (t) => mainForward(cfg, teacher, features, t, N));
  return { N, F: cfg.F, C: cfg.C, H: cfg.H, L: cfg.L, features, tokens };
}
