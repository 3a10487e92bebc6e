import type { Acceptance } from '../acceptance.ts';
import { toleranceOf } from './decode-plan.ts';
import { argmaxAt, sampleCategorical, softmaxAt } from './logits-math.ts';
import { speculativeSample, type UniformSource } from './speculative-sample.ts';

/**
 * What one acceptance rule does at one position (SPEC §1.3), given main's logits of the current
 * pass. Offsets index flat arrays: `off` into logits float32 [..., K], `qOff` into the
 * proposal-distribution store float64 [..., K] (used by `sample` only).
 */
export interface PositionRule {
  /** Main's own choice: argmax (`exact`, `relaxed`) or a draw from its softmax at T (`sample`). */
  choose(logits: Float32Array, off: number): number;
  /**
   * Verifies `proposed` at layer `l` and returns the code kept at the position; `kept` then says
   * whether it was the proposal. `q` at `qOff` holds the distribution the proposal was drawn from.
   */
  verify(logits: Float32Array, off: number, proposed: number, l: number, q: Float64Array, qOff: number): number;
  /** Whether the last `verify` kept its proposal. */
  readonly kept: boolean;
  /**
   * A proposal for a later pass from these logits: main's choice, and in `sample` mode the
   * distribution it was drawn from, written to `q` at `qOff`.
   */
  propose(logits: Float32Array, off: number, q: Float64Array, qOff: number): number;
  /**
   * A proposal from the draft's logits (argmax, or a draw from its softmax at T whose
   * distribution is written to `q` at `qOff`).
   */
  proposeFromDraft(draftLogits: Float32Array, off: number, q: Float64Array, qOff: number): number;
}

/** The rule of `acceptance`; `random` is required for `sample`. K is the codebook size. */
export function positionRule(acceptance: Acceptance, K: number, random?: UniformSource): PositionRule {
  if (acceptance.kind === 'sample') {
    if (random === undefined) throw new TypeError('random is required in sample mode');
    return new SampleRule(K, acceptance.temperature, random);
  }
  return new ToleranceRule(K, acceptance);
}

/** `exact` (tolerance 0) and `relaxed`: keep iff |proposed − argmax| <= tolerance(l), else argmax. */
class ToleranceRule implements PositionRule {
  kept = false;
  private readonly tolerance: (l: number) => number;

  constructor(
    private readonly K: number,
    acceptance: Acceptance,
  ) {
    this.tolerance = (l) => toleranceOf(acceptance, l);
  }

  choose(logits: Float32Array, off: number): number {
    return argmaxAt(logits, off, this.K);
  }

  verify(logits: Float32Array, off: number, proposed: number, l: number): number {
    const m = argmaxAt(logits, off, this.K);
    this.kept = Math.abs(proposed - m) <= this.tolerance(l);
    return this.kept ? proposed : m;
  }

  propose(logits: Float32Array, off: number): number {
    return argmaxAt(logits, off, this.K);
  }

  proposeFromDraft(draftLogits: Float32Array, off: number): number {
    return argmaxAt(draftLogits, off, this.K);
  }
}

/**
 * `sample`: speculative sampling against the distribution the proposal was drawn from (the
 * draft's softmax, or main's own softmax of an earlier pass), so every kept or resampled code is
 * distributed as main's softmax at T given the prefix it was verified on.
 */
class SampleRule implements PositionRule {
  kept = false;
  private readonly p: Float64Array;
  private readonly qPos: Float64Array;
  private readonly scratch: Float64Array;

  constructor(
    private readonly K: number,
    private readonly T: number,
    private readonly random: UniformSource,
  ) {
    this.p = new Float64Array(K);
    this.qPos = new Float64Array(K);
    this.scratch = new Float64Array(K);
  }

  choose(logits: Float32Array, off: number): number {
    return sampleCategorical(softmaxAt(logits, off, this.K, this.T, this.p), this.K, this.random.next());
  }

  verify(logits: Float32Array, off: number, proposed: number, _l: number, q: Float64Array, qOff: number): number {
    softmaxAt(logits, off, this.K, this.T, this.p);
    for (let v = 0; v < this.K; v++) this.qPos[v] = q[qOff + v]!;
    const decision = speculativeSample(this.p, this.qPos, this.K, proposed, this.random, this.scratch);
    this.kept = decision.accepted;
    return decision.token;
  }

  propose(logits: Float32Array, off: number, q: Float64Array, qOff: number): number {
    return this.draw(logits, off, q, qOff);
  }

  proposeFromDraft(draftLogits: Float32Array, off: number, q: Float64Array, qOff: number): number {
    return this.draw(draftLogits, off, q, qOff);
  }

  private draw(logits: Float32Array, off: number, q: Float64Array, qOff: number): number {
    softmaxAt(logits, off, this.K, this.T, this.p);
    for (let v = 0; v < this.K; v++) q[qOff + v] = this.p[v]!;
    return sampleCategorical(this.p, this.K, this.random.next());
  }
}
