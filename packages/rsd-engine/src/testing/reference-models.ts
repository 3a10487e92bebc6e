import { draftForward, mainForward, type DraftWeights, type HeadsConfig, type MainWeights } from '@rsd/heads';
import { argmaxAt } from '../decode/logits-math.ts';
import type { DecodeModels } from '../decode/decode-models.ts';

/** Counts of head calls, for tests that check pass accounting. */
export interface CallCounter {
  draft: number;
  main: number;
}

/**
 * The heads as {@link DecodeModels} through `@rsd/heads`' plain TypeScript reference forwards
 * (no ONNX Runtime): fast and exact, for algorithm tests.
 */
export function referenceModels(cfg: HeadsConfig, weights: { draft: DraftWeights; main: MainWeights }): DecodeModels {
  return {
    C: cfg.C,
    H: cfg.H,
    L: cfg.L,
    K: cfg.K,
    draftModelLayers: cfg.draftLayers,
    draft: async (features, B) => draftForward(cfg, weights.draft, features, B),
    main: async (features, tokens, B) => mainForward(cfg, weights.main, features, tokens, B),
  };
}

/** `models` with every `draft` and `main` call counted in `counter`. */
export function countCalls(models: DecodeModels, counter: CallCounter): DecodeModels {
  return {
    ...models,
    ...(models.draft === undefined
      ? {}
      : {
          draft: (f: Float32Array, B: number) => {
            counter.draft++;
            return models.draft!(f, B);
          },
        }),
    main: (f, t, B) => {
      counter.main++;
      return models.main(f, t, B);
    },
  };
}

/**
 * Main's greedy tokens (baseline decoding) computed directly: L passes of `main`.
 * features: float32 [B, F] → int32 [B, C, H, L].
 */
export async function greedyTokens(models: DecodeModels, features: Float32Array, B: number): Promise<Int32Array> {
  const { C, H, L, K } = models;
  const P = C * H;
  const input = new BigInt64Array(B * P * L);
  const out = new Int32Array(B * P * L);
  for (let l = 0; l < L; l++) {
    const logits = await models.main(features, input, B);
    for (let i = 0; i < B * P; i++) {
      const t = argmaxAt(logits, (i * L + l) * K, K);
      out[i * L + l] = t;
      input[i * L + l] = BigInt(t);
    }
  }
  return out;
}

/**
 * Replaces the draft of `models` by an oracle that proposes main's greedy tokens, optionally
 * edited by `edit(b, pos, l, token) → token` (pos = c·H + h), as logits with `margin` on the
 * proposed code and 0 elsewhere. Lets tests reach every acceptance path on purpose.
 */
export function oracleDraft(
  models: DecodeModels,
  options: { edit?: (b: number, pos: number, l: number, token: number) => number; margin?: number } = {},
): DecodeModels {
  const { C, H, L, K } = models;
  const P = C * H;
  const kd = models.draftModelLayers;
  const margin = options.margin ?? 4;
  return {
    ...models,
    main: (f, t, B) => models.main(f, t, B),
    draft: async (features, B) => {
      const greedy = await greedyTokens(models, features, B);
      const logits = new Float32Array(B * P * kd * K);
      for (let b = 0; b < B; b++) {
        for (let pos = 0; pos < P; pos++) {
          for (let l = 0; l < kd; l++) {
            let t = greedy[(b * P + pos) * L + l]!;
            if (options.edit) t = options.edit(b, pos, l, t);
            logits[((b * P + pos) * kd + l) * K + t] = margin;
          }
        }
      }
      return logits;
    },
  };
}
