import type { DecodeMode } from '../decode/decode-plan.ts';

/** Wall time (ms) of each stage of one call. `ortMs` is the part spent inside ONNX Runtime `run`. */
export interface StageTimings {
  /** Backbone pass (0 when features were given). */
  readonly backboneMs: number;
  /** Draft pass and proposal (0 in baseline). */
  readonly draftMs: number;
  /** The verifying main pass and acceptance (0 in baseline). */
  readonly verifyMs: number;
  /** The sequential main passes after verification (all L of them in baseline). */
  readonly autoregressiveMs: number;
  /** RFSQ decoder: tokens → actions. */
  readonly decodeMs: number;
  /** The whole call, input checks included. */
  readonly totalMs: number;
  /** Sum of ONNX Runtime `run` wall times within the call. */
  readonly ortMs: number;
}

/** The stage names of {@link StageTimings}. */
export const STAGES = ['backboneMs', 'draftMs', 'verifyMs', 'autoregressiveMs', 'decodeMs', 'totalMs', 'ortMs'] as const;
export type Stage = (typeof STAGES)[number];

/**
 * Statistics of one `predict` call over a batch of B items. Layer counts are over items:
 * each item proposes k layers; `fullyAccepted` + `partiallyAccepted` + `rejected` +
 * `discardedLayers` = `proposedLayers`, where a partially accepted or rejected layer is the
 * first layer of an item that was not fully accepted and the layers after it are discarded.
 */
export interface CallStats {
  readonly mode: DecodeMode;
  readonly batch: number;
  /** k (0 in baseline). */
  readonly draftLayers: number;
  /** Per item: fully accepted proposed layers, 0..k. */
  readonly acceptedLayers: number[];
  readonly fullyAccepted: number;
  /** Layers that kept some but not all of their positions. */
  readonly partiallyAccepted: number;
  /** Layers that kept none of their positions. */
  readonly rejected: number;
  /** Proposed layers after a not-fully-accepted one (never verified). */
  readonly discardedLayers: number;
  /** B · k. */
  readonly proposedLayers: number;
  /** fullyAccepted / proposedLayers (0 in baseline). */
  readonly acceptanceRate: number;
  /** Main passes run for the batch (its slowest item). */
  readonly mainPasses: number;
  /** Per item: main passes the item needed on its own. */
  readonly itemMainPasses: number[];
  readonly draftPasses: number;
  readonly timings: StageTimings;
  /** relaxed mode: float [L], per layer the latent deviation an accepted token may add (tolerance(l) · step(l); 0 for layers not proposed). */
  readonly relaxedAllowance?: number[];
}
