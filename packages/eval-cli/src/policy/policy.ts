import type { SourceChecks } from '@rsd/rsd-engine';
import type { Observation } from '@rsd/libero-bridge';
import type { EvalMode } from '../config/eval-config.ts';

/** Wall time of each stage of one policy call, ms (as the engine reports them). */
export interface StageTimings {
  readonly backboneMs: number;
  readonly draftMs: number;
  readonly verifyMs: number;
  readonly autoregressiveMs: number;
  readonly decodeMs: number;
  readonly totalMs: number;
  /**
   * External backbone only: the time the LIBERO server spent computing this call's features
   * (its `--features` module, measured there). Not part of `totalMs` nor of the policy call's
   * wall time: the features arrive with the observation.
   */
  readonly featuresMs?: number;
}

/** Decoding statistics of one policy call (batch 1). */
export interface PolicyCallStats {
  /** Draft layers proposed (0 in baseline mode). */
  readonly proposedLayers: number;
  /** Leading draft layers accepted, 0..proposedLayers. */
  readonly acceptedLayers: number;
  readonly fullyAccepted: number;
  readonly partiallyAccepted: number;
  readonly rejected: number;
  readonly mainPasses: number;
  readonly draftPasses: number;
  /** Layers decided by each main pass, in order (sums to L). */
  readonly layersDecidedPerPass: readonly number[];
  /** The most rejections a single position (c, h) had over all layers and passes. */
  readonly maxPositionRejections: number;
  /** Checked and kept tokens and layers per layer [L], draft-proposed and main-proposed apart. */
  readonly layerChecks: { readonly draft: SourceChecks; readonly main: SourceChecks };
  readonly timings: StageTimings;
}


/** What the policy is asked for: one chunk of actions. */
export interface PolicyRequest {
  readonly observation: Observation;
  readonly instruction: string;
  readonly mode: EvalMode;
  /** Seed of this call (only `sample` acceptance draws random numbers). */
  readonly seed: number;
}

/** One chunk of actions and how it was decoded. */
export interface PolicyChunk {
  /** float32 [C, A], environment units. */
  readonly actions: Float32Array;
  readonly chunk: number;
  readonly actionDim: number;
  /** int32 [C, H, L]: the action tokens the chunk was decoded from (empty in `continuous` mode: no tokens). */
  readonly tokens: Int32Array;
  readonly stats: PolicyCallStats;
}

/**
 * A policy: observation + instruction → action chunk [C, A] with per-call statistics. The
 * engine-backed implementation is `EnginePolicy`; tests of the episode loop may pass others.
 */
export interface Policy {
  act(request: PolicyRequest): Promise<PolicyChunk>;
  /** Frees the models. Idempotent. */
  close(): Promise<void>;
}
