import type { PolicyCallStats } from '../policy/policy.ts';
import type { EpisodeAcceptance, EpisodeStageMs } from '../results/episode-record.ts';

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
  readonly #stage = { backbone: 0, draft: 0, verify: 0, autoregressive: 0, decode: 0, total: 0 };

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
    const t = s.timings;
    this.#stage.backbone += t.backboneMs;
    this.#stage.draft += t.draftMs;
    this.#stage.verify += t.verifyMs;
    this.#stage.autoregressive += t.autoregressiveMs;
    this.#stage.decode += t.decodeMs;
    this.#stage.total += t.totalMs;
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
      },
      stage_ms: { ...this.#stage },
    };
  }
}
