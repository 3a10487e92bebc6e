import type { HeadsConfig } from '../heads-config.ts';
import {
  draftParameterSpecs,
  mainParameterSpecs,
  type DraftWeights,
  type MainWeights,
  type ParameterSpec,
} from '../model/head-parameters.ts';
import { SeededRandom } from './seeded-random.ts';

function fill(specs: ParameterSpec[], rng: SeededRandom): Record<string, Float32Array> {
  const out: Record<string, Float32Array> = {};
  for (const s of specs) {
    // PyTorch's nn.Linear default: uniform ±1/sqrt(fan_in) for weight and bias
    const fanIn = s.name.endsWith('.bias')
      ? (specs.find((w) => w.name === s.name.replace(/bias$/, 'weight'))?.shape[1] ?? 1)
      : s.shape[1]!;
    const bound = 1 / Math.sqrt(Math.max(1, fanIn));
    out[s.name] = rng.floats(
      s.shape.reduce((a, b) => a * b, 1),
      -bound,
      bound,
    );
  }
  return out;
}

/**
 * Deterministic random weights of both heads (PyTorch's default Linear init, masked positions
 * included and non-zero, so a missing mask shows up in tests). Same `cfg` and `seed` → same
 * weights on every machine.
 */
export function randomHeadWeights(cfg: HeadsConfig, seed: number): { draft: DraftWeights; main: MainWeights } {
  const rng = new SeededRandom(seed);
  const main = fill(mainParameterSpecs(cfg), rng);
  const draft = fill(draftParameterSpecs(cfg), rng);
  return { draft, main };
}
