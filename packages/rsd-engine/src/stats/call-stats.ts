import type { DecodeMode } from '../decode/decode-plan.ts';
import type { LayerChecks } from '../decode/layer-checks.ts';

/** Wall time (ms) of each stage of one call. `ortMs` is the part spent inside ONNX Runtime `run`. */
export interface StageTimings {
  /** Backbone pass (0 when features were given). */
  readonly backboneMs: number;
  /** Draft pass and proposal (0 in baseline). */
  readonly draftMs: number;
  /** The main passes that verify proposals, with their checks (rsd, jacobi; 0 in baseline). */
  readonly verifyMs: number;
  /** The L sequential main passes of baseline (0 in rsd and jacobi). */
  readonly autoregressiveMs: number;
  /** RFSQ decoder: tokens → actions. */
  readonly decodeMs: number;
  /** The whole call, input checks included. */
  readonly totalMs: number;
  /** Sum of ONNX Runtime `run` wall times within the call. */
  readonly ortMs: number;
  /** The part of `ortMs` spent in main.onnx: (verifyMs + autoregressiveMs − ortMainMs) / mainPasses is the JavaScript cost of one pass. */
  readonly ortMainMs: number;
}

/** The stage names of {@link StageTimings}. */
export const STAGES = ['backboneMs', 'draftMs', 'verifyMs', 'autoregressiveMs', 'decodeMs', 'totalMs', 'ortMs', 'ortMainMs'] as const;
export type Stage = (typeof STAGES)[number];

/**
 * Statistics of one `predict` call over a batch of B items. The draft counts are over items and
 * the first main pass: each item's draft proposes k layers; `fullyAccepted` +
 * `partiallyAccepted` + `rejected` + `discardedLayers` = `proposedLayers`, where a partially
 * accepted or rejected layer is the first draft layer of an item that was not fully accepted and
 * the draft layers after it are replaced, unverified, by main's own output (Jacobi). What
 * happens after that first pass is in `layerChecks`, `layersDecidedPerPass` and `itemMainPasses`.
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
  /** fullyAccepted / proposedLayers (0 unless rsd). */
  readonly acceptanceRate: number;
  /** Main passes run for the batch (its slowest item). */
  readonly mainPasses: number;
  /** Per item: main passes the item needed on its own (1..L). */
  readonly itemMainPasses: number[];
  /** Per item: layers decided by each of its main passes, in order (sums to L). */
  readonly layersDecidedPerPass: number[][];
  /** Per item: the most rejections a single position (c, h) had over all layers and passes. */
  readonly maxPositionRejections: number[];
  /** Checked and kept tokens and layers per layer, draft-proposed and main-proposed apart. */
  readonly layerChecks: LayerChecks;
  readonly draftPasses: number;
  readonly timings: StageTimings;
  /** relaxed mode: float [L], per layer the latent deviation a kept token may add (tolerance(l) · step(l); 0 in baseline). */
  readonly relaxedAllowance?: number[];
}
