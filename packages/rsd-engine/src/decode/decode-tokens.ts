import { undecidedCode } from '@rsd/heads';
import type { DecodeModels } from './decode-models.ts';
import { checkDecodePlan, type DecodePlan } from './decode-plan.ts';
import { LayerChecks } from './layer-checks.ts';
import { positionRule } from './position-rule.ts';
import type { UniformSource } from './speculative-sample.ts';

/** Token decisions and pass counts of one decoding call. */
export interface DecodeOutcome {
  /** int32 [B, C, H, L]. */
  readonly tokens: Int32Array;
  /** The same tokens as int64 [B, C, H, L] (the RFSQ decoder's input). */
  readonly tokensInt64: BigInt64Array;
  /** Per item: draft-proposed layers fully accepted in the first pass, 0..k (0 unless `rsd`). */
  readonly acceptedLayers: number[];
  /** Per item: whether the first draft layer not fully accepted kept some of its positions. */
  readonly partialLayer: boolean[];
  /** Per item: main passes this item needed (1..L; L in baseline). */
  readonly itemMainPasses: number[];
  /** Per item: layers decided by each of its passes (sums to L). */
  readonly layersDecidedPerPass: number[][];
  /** Per item: the most rejections any single position (c, h) had, over all layers and passes. */
  readonly maxPositionRejections: number[];
  /** Checked and kept tokens and layers per layer, draft- and main-proposed apart. */
  readonly checks: LayerChecks;
  /** Main passes actually run for the batch (its slowest item). */
  readonly mainPasses: number;
  readonly draftPasses: number;
  /** Wall time (ms): draft pass + proposal; main passes that verify proposals (rsd, jacobi); main passes of baseline. */
  readonly draftMs: number;
  readonly verifyMs: number;
  readonly autoregressiveMs: number;
}

const BIG_CODES: bigint[] = [];

/** 0n..(K−1)n, shared across calls. */
function bigCodes(K: number): readonly bigint[] {
  while (BIG_CODES.length < K) BIG_CODES.push(BigInt(BIG_CODES.length));
  return BIG_CODES;
}

/** Where the current proposal of an undecided layer came from. */
const NONE = 0;
const DRAFT = 1;
const MAIN = 2;

/**
 * Decodes the tokens of a batch by speculative Jacobi decoding over residual depth (SPEC §1.3).
 *
 * Each row keeps a frontier `d` (layers `< d` are decided) and a proposal for every undecided
 * layer. Every main pass is teacher-forced on the current tokens and returns logits for all L
 * layers; the row's undecided layers are then checked in order by the acceptance rule, each
 * position on its own. A layer whose positions are all kept is decided and the check moves on
 * (its logits were computed on a decided prefix, so the next layer's are valid too); the first
 * layer that is not takes main's choice at its rejected positions, is decided, and ends the
 * check. Every deeper layer takes main's output of that same pass as its next proposal. A layer
 * with no proposal (`NONE`) is decided by main's choice and ends the check. Each pass decides at
 * least one layer, so a row needs at most L passes.
 *
 * - `rsd`: the draft proposes layers 0..k−1; deeper layers start without a proposal.
 * - `jacobi`: no draft; the first pass decides layer 0 and proposes the rest.
 * - `baseline`: no proposals ever; one layer per pass, L passes.
 *
 * Main's choice is its argmax (`exact`, `relaxed`) or a draw from its softmax at T (`sample`,
 * drawn from `random`). In `exact` mode the output equals `baseline` for every input.
 *
 * Batching: every pass runs all B rows; a row whose layers are all decided rides along unchanged
 * (its logits are ignored), so the batch takes as many passes as its slowest row and a row's
 * output never depends on the other rows.
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
  const rule = positionRule(plan.acceptance, K, random);
  const P = C * H;
  // main's token input [B, C, H, L] and the decisions; a layer nobody has proposed yet holds the
  // middle code (a zero residual), the code @rsd/heads' prefix noise trains the main head on
  const fill = undecidedCode(K);
  const input = new BigInt64Array(B * P * L).fill(BigInt(fill));
  const out = new Int32Array(B * P * L).fill(fill);
  const q = plan.acceptance.kind === 'sample' ? new Float64Array(B * P * L * K) : new Float64Array(0); // proposal distributions
  const source = new Uint8Array(B * L); // per (row, layer): NONE, DRAFT or MAIN
  const frontier = new Int32Array(B);
  const rejections = new Int32Array(B * P);
  const checks = new LayerChecks(L);
  const acceptedLayers = new Array<number>(B).fill(0);
  const partialLayer = new Array<boolean>(B).fill(false);
  const itemMainPasses = new Array<number>(B).fill(0);
  const layersDecidedPerPass = Array.from({ length: B }, () => [] as number[]);
  const big = bigCodes(K); // no BigInt allocation per token
  const set = (i: number, token: number) => {
    out[i] = token;
    input[i] = big[token]!;
  };

  let draftMs = 0;
  let draftPasses = 0;
  const k = plan.mode === 'rsd' ? plan.draftLayers : 0;
  if (plan.mode === 'rsd') {
    const t0 = performance.now();
    const kd = models.draftModelLayers;
    const draftLogits = await models.draft!(features, B);
    draftPasses = 1;
    for (let b = 0; b < B; b++) {
      for (let l = 0; l < k; l++) source[b * L + l] = DRAFT;
      for (let pos = 0; pos < P; pos++) {
        for (let l = 0; l < k; l++) {
          const i = (b * P + pos) * L + l;
          set(i, rule.proposeFromDraft(draftLogits, ((b * P + pos) * kd + l) * K, q, i * K));
        }
      }
    }
    draftMs = performance.now() - t0;
  }

  const t1 = performance.now();
  let mainPasses = 0;
  for (;;) {
    let open = false;
    for (let b = 0; b < B; b++) if (frontier[b]! < L) open = true;
    if (!open) break;
    const logits = await models.main(features, input, B);
    const firstPass = mainPasses === 0;
    mainPasses++;
    for (let b = 0; b < B; b++) {
      const d = frontier[b]!;
      if (d >= L) continue;
      itemMainPasses[b]!++;
      let l = d;
      while (l < L) {
        const src = source[b * L + l]!;
        let kept = 0;
        for (let pos = 0; pos < P; pos++) {
          const i = (b * P + pos) * L + l;
          if (src === NONE) {
            set(i, rule.choose(logits, i * K));
            continue;
          }
          const token = rule.verify(logits, i * K, out[i]!, l, q, i * K);
          if (rule.kept) kept++;
          else rejections[b * P + pos]!++;
          if (token !== out[i]) set(i, token);
        }
        const all = src !== NONE && kept === P;
        if (src !== NONE) checks.add(src === DRAFT ? 'draft' : 'main', l, P, kept);
        if (firstPass && src === DRAFT) {
          if (all) acceptedLayers[b]!++;
          else partialLayer[b] = kept > 0;
        }
        source[b * L + l] = NONE;
        l++;
        if (!all) break;
      }
      frontier[b] = l;
      layersDecidedPerPass[b]!.push(l - d);
      if (plan.mode === 'baseline') continue;
      for (let ll = l; ll < L; ll++) {
        source[b * L + ll] = MAIN;
        for (let pos = 0; pos < P; pos++) {
          const i = (b * P + pos) * L + ll;
          const token = rule.propose(logits, i * K, q, i * K);
          if (token !== out[i]) set(i, token); // out and input always agree: an unchanged guess needs no write
        }
      }
    }
  }
  const mainMs = performance.now() - t1;
  const maxPositionRejections = Array.from({ length: B }, (_, b) => {
    let m = 0;
    for (let pos = 0; pos < P; pos++) m = Math.max(m, rejections[b * P + pos]!);
    return m;
  });
  return {
    tokens: out,
    tokensInt64: input,
    acceptedLayers,
    partialLayer,
    itemMainPasses,
    layersDecidedPerPass,
    maxPositionRejections,
    checks,
    mainPasses,
    draftPasses,
    draftMs,
    verifyMs: plan.mode === 'baseline' ? 0 : mainMs,
    autoregressiveMs: plan.mode === 'baseline' ? mainMs : 0,
  };
}
