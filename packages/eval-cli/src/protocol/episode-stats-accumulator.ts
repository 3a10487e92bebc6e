import { LayerChecks, type SourceChecks } from '@rsd/rsd-engine';
import type { PolicyCallStats } from '../policy/policy.ts';
import type { EpisodeAcceptance, EpisodeStageMs, SourceCheckCounts } from '../results/episode-record.ts';

/** Adds `v` into `into` element-wise, growing it as needed. */
function addInto(into: number[], v: readonly number[]): void {
  v.forEach((x, i) => (into[i] = (into[i] ?? 0) + x));
}

function bump(h: number[], i: number): void {
  while (h.length <= i) h.push(0);
  h[i]! += 1;
}

const toRecord = (c: SourceChecks): SourceCheckCounts => ({
  tokens_checked: [...c.tokensChecked],
  tokens_kept: [...c.tokensKept],
  layers_checked: [...c.layersChecked],
  layers_kept: [...c.layersKept],
});

/** Sums the per-call statistics of one episode. */
export class EpisodeStatsAccumulator {
  readonly #inference: number[] = [];
  #proposed = 0;
  #accepted = 0;
  #full = 0;
  #partial = 0;
  #rejected = 0;
  #main = 0;
  #draft = 0;
  readonly #histogram: number[] = [];
  readonly #passes: number[] = [];
  readonly #decidedByPass: number[] = [];
  readonly #maxRejections: number[] = [];
  #checks: LayerChecks | undefined;
  readonly #stage = { backbone: 0, draft: 0, verify: 0, autoregressive: 0, decode: 0, total: 0 };
  /** Server-side feature time (external backbones); undefined while no call reported one. */
  #features: number | undefined;

  /** Adds one call: its measured wall time (ms) and the policy's statistics. */
  addCall(inferenceMs: number, s: PolicyCallStats): void {
    this.#inference.push(inferenceMs);
    this.#proposed += s.proposedLayers;
    this.#accepted += s.acceptedLayers;
    this.#full += s.fullyAccepted;
    this.#partial += s.partiallyAccepted;
    this.#rejected += s.rejected;
    this.#main += s.mainPasses;
    this.#draft += s.draftPasses;
    while (this.#histogram.length <= s.acceptedLayers) this.#histogram.push(0);
    this.#histogram[s.acceptedLayers]! += 1;
    bump(this.#passes, s.mainPasses);
    addInto(this.#decidedByPass, s.layersDecidedPerPass);
    bump(this.#maxRejections, s.maxPositionRejections);
    (this.#checks ??= new LayerChecks(s.layerChecks.draft.tokensChecked.length)).merge(s.layerChecks);
    const t = s.timings;
    this.#stage.backbone += t.backboneMs;
    this.#stage.draft += t.draftMs;
    this.#stage.verify += t.verifyMs;
    this.#stage.autoregressive += t.autoregressiveMs;
    this.#stage.decode += t.decodeMs;
    this.#stage.total += t.totalMs;
    if (t.featuresMs !== undefined) this.#features = (this.#features ?? 0) + t.featuresMs;
  }

  toRecordFields(): { inference_ms: number[]; acceptance: EpisodeAcceptance; stage_ms: EpisodeStageMs } {
    return {
      inference_ms: [...this.#inference],
      acceptance: {
        proposed_layers: this.#proposed,
        accepted_layers: this.#accepted,
        fully_accepted: this.#full,
        partially_accepted: this.#partial,
        rejected: this.#rejected,
        main_passes: this.#main,
        draft_passes: this.#draft,
        accepted_histogram: [...this.#histogram],
        pass_histogram: [...this.#passes],
        decided_by_pass: [...this.#decidedByPass],
        max_rejections_histogram: [...this.#maxRejections],
        ...(this.#checks === undefined ? {} : { layer_checks: { draft: toRecord(this.#checks.draft), main: toRecord(this.#checks.main) } }),
      },
      stage_ms: { ...this.#stage, ...(this.#features === undefined ? {} : { features: this.#features }) },
    };
  }
}
