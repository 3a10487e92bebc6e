import type { DecodeModels } from './decode-models.ts';
import { checkDecodePlan, toleranceOf, type DecodePlan } from './decode-plan.ts';
import { argmaxAt, sampleCategorical, softmaxAt } from './logits-math.ts';
import { speculativeSample, type UniformSource } from './speculative-sample.ts';

/** Token decisions and pass counts of one decoding call. */
export interface DecodeOutcome {
  /** int32 [B, C, H, L]. */
  readonly tokens: Int32Array;
  /** The same tokens as int64 [B, C, H, L] (the RFSQ decoder's input). */
  readonly tokensInt64: BigInt64Array;
  /** Per item: proposed layers fully accepted, 0..k (0 in baseline). */
  readonly acceptedLayers: number[];
  /** Per item: whether the first not-fully-accepted layer kept some of its positions. */
  readonly partialLayer: boolean[];
  /** Per item: main passes this item needed (`L − a` after a rejection at a < k, `1 + L − min(k+1, L)` when all k are accepted, `L` in baseline). */
  readonly itemMainPasses: number[];
  /** Main passes actually run for the batch (its slowest item). */
  readonly mainPasses: number;
  readonly draftPasses: number;
  /** Wall time (ms) of the draft pass + proposal, the verify pass + acceptance, and the autoregressive passes. */
  readonly draftMs: number;
  readonly verifyMs: number;
  readonly autoregressiveMs: number;
}

/**
 * Decodes the tokens of a batch (SPEC §1.3). `rsd`: the draft proposes layers 0..k−1 (argmax,
 * or a draw from its softmax at temperature T in `sample` mode); one main pass with the
 * proposal as prefix verifies them in layer order (every position decided on its own; a layer
 * is accepted only if all its positions are; a partial layer keeps its accepted positions,
 * takes main's choice for the rest and ends the proposal); if all k are accepted, layer k is
 * main's choice from that same pass; the remaining layers are decoded one main pass each.
 * `baseline`: L main passes. Main's choice is its argmax (`exact`, `relaxed`) or a draw from its
 * softmax at T (`sample`, drawn from `random`).
 *
 * Batching: every pass runs all B rows; a row whose layers are all decided rides along
 * unchanged (its logits are ignored), so the batch takes as many passes as its slowest row.
 *
 * features: float32 [B, F] → tokens int32 [B, C, H, L].
 */
export async function decodeTokens(
  models: DecodeModels,
  features: Float32Array,
  B: number,
  plan: DecodePlan,
  random?: UniformSource,
): Promise<DecodeOutcome> {
  const { C, H, L, K } = models;
  checkDecodePlan(plan, L, models.draftModelLayers);
  const acceptance = plan.acceptance;
  const sampling = acceptance.kind === 'sample';
  if (sampling && random === undefined) throw new TypeError('random is required in sample mode');
  const T = sampling ? acceptance.temperature : 1;
  const P = C * H;
  const input = new BigInt64Array(B * P * L); // main's token input, [B, C, H, L]
  const out = new Int32Array(B * P * L);
  const decided = new Int32Array(B);
  const acceptedLayers = new Array<number>(B).fill(0);
  const partialLayer = new Array<boolean>(B).fill(false);
  const p = new Float64Array(K);
  const q = new Float64Array(K);
  const scratch = new Float64Array(K);
  const big = Array.from({ length: K }, (_, v) => BigInt(v)); // no BigInt allocation per token
  const set = (b: number, pos: number, l: number, token: number) => {
    const i = (b * P + pos) * L + l;
    out[i] = token;
    input[i] = big[token]!;
  };
  /** Main's choice at (b, pos, l) from logits [B, C, H, L, K]. */
  const mainChoice = (logits: Float32Array, b: number, pos: number, l: number): number => {
    const off = ((b * P + pos) * L + l) * K;
    if (!sampling) return argmaxAt(logits, off, K);
    return sampleCategorical(softmaxAt(logits, off, K, T, p), K, random!.next());
  };

  let draftMs = 0;
  let verifyMs = 0;
  let mainPasses = 0;
  let draftPasses = 0;
  const k = plan.draftLayers;
  if (plan.mode === 'rsd') {
    const t0 = performance.now();
    const kd = models.draftModelLayers;
    const draftLogits = await models.draft(features, B);
    draftPasses = 1;
    for (let b = 0; b < B; b++) {
      for (let pos = 0; pos < P; pos++) {
        for (let l = 0; l < k; l++) {
          const off = ((b * P + pos) * kd + l) * K;
          const d = sampling ? sampleCategorical(softmaxAt(draftLogits, off, K, T, q), K, random!.next()) : argmaxAt(draftLogits, off, K);
          set(b, pos, l, d);
        }
      }
    }
    const t1 = performance.now();
    draftMs = t1 - t0;
    const logits = await models.main(features, input, B);
    mainPasses++;
    for (let b = 0; b < B; b++) {
      let a = 0;
      for (; a < k; a++) {
        const tolerance = toleranceOf(acceptance, a);
        let all = true;
        let any = false;
        for (let pos = 0; pos < P; pos++) {
          const i = (b * P + pos) * L + a;
          const d = out[i]!;
          const moff = i * K;
          let token: number;
          let kept: boolean;
          if (sampling) {
            softmaxAt(logits, moff, K, T, p);
            softmaxAt(draftLogits, ((b * P + pos) * kd + a) * K, K, T, q);
            const decision = speculativeSample(p, q, K, d, random!, scratch);
            token = decision.token;
            kept = decision.accepted;
          } else {
            // exact (tolerance 0): keep iff d = argmax; relaxed: keep iff |d − argmax| <= tolerance(a); else argmax
            const m = argmaxAt(logits, moff, K);
            kept = Math.abs(d - m) <= tolerance;
            token = kept ? d : m;
          }
          if (kept) any = true;
          else all = false;
          if (token !== d) set(b, pos, a, token);
        }
        if (!all) {
          partialLayer[b] = any;
          break;
        }
      }
      acceptedLayers[b] = a;
      if (a === k && k < L) for (let pos = 0; pos < P; pos++) set(b, pos, k, mainChoice(logits, b, pos, k));
      decided[b] = a < k ? a + 1 : Math.min(k + 1, L);
      for (let pos = 0; pos < P; pos++) for (let l = decided[b]!; l < L; l++) set(b, pos, l, 0); // drop the rest of the proposal
    }
    verifyMs = performance.now() - t1;
  }
  const t2 = performance.now();
  for (;;) {
    let next = L;
    for (let b = 0; b < B; b++) next = Math.min(next, decided[b]!);
    if (next >= L) break;
    const logits = await models.main(features, input, B);
    mainPasses++;
    for (let b = 0; b < B; b++) {
      const l = decided[b]!;
      if (l >= L) continue;
      for (let pos = 0; pos < P; pos++) set(b, pos, l, mainChoice(logits, b, pos, l));
      decided[b] = l + 1;
    }
  }
  const autoregressiveMs = performance.now() - t2;
  const itemMainPasses = acceptedLayers.map((a) =>
    plan.mode === 'baseline' ? L : a < k ? L - a : 1 + L - Math.min(k + 1, L),
  );
  return { tokens: out, tokensInt64: input, acceptedLayers, partialLayer, itemMainPasses, mainPasses, draftPasses, draftMs, verifyMs, autoregressiveMs };
}
