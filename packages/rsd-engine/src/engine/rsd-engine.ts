import type { BundleFileMap, BundleManifest } from '@rsd/heads';
import type { Acceptance } from '../acceptance.ts';
import type { ExecutionProvider } from '../backend/inference-backend.ts';
import type { DecodeMode } from '../decode/decode-plan.ts';
import type { CallStats } from '../stats/call-stats.ts';
import type { EngineStatistics } from '../stats/statistics-aggregator.ts';

/** An RGB image, upright (row 0 = top). data: uint8 [height, width, 3]. */
export interface RgbImage {
  readonly width: number;
  readonly height: number;
  readonly data: Uint8Array;
}

/** A batch of B observations for the backbone. */
export interface Observations {
  /** B images of the manifest's `backbone.image` size. */
  readonly images: readonly RgbImage[];
  /** B instructions, hashed as `manifest.backbone.instruction` says (`hashInstruction` of `@rsd/heads`). */
  readonly instructions: readonly string[];
  /** B vectors float32 [proprio.size]: the fields `manifest.backbone.proprio.fields`, concatenated in order. Required iff the bundle has proprio. */
  readonly proprio?: readonly Float32Array[];
}

/** How one call decodes. */
export interface DecodeOptions {
  readonly mode: DecodeMode;
  readonly acceptance: Acceptance;
  /** k for `rsd`, 1..manifest.dims.k (default manifest.dims.k); ignored by `baseline` and `jacobi`. */
  readonly draftLayers?: number;
}

/** The result of one call over B items. */
export interface DecodeResult {
  /** float32 [B, C, A] in environment units. */
  readonly actions: Float32Array;
  /** int32 [B, C, H, L]. */
  readonly tokens: Int32Array;
  readonly stats: CallStats;
}

/** One call of the bundle's continuous head (the teacher policy) over B items. */
export interface ContinuousResult {
  /** float32 [B, C, A] in environment units. */
  readonly actions: Float32Array;
  /** Wall time of the backbone, of the continuous head and of the whole call, ms. */
  readonly timings: { readonly backboneMs: number; readonly headMs: number; readonly totalMs: number };
}

/** A loaded model bundle that decodes actions (SPEC §1.3). */
export interface RsdEngine {
  /** The validated manifest. */
  readonly manifest: BundleManifest;
  /** The provider each model of the bundle runs on (no `draft.onnx` entry without a draft). */
  readonly executionProviders: BundleFileMap<ExecutionProvider>;
  /**
   * Backbone → decode → actions, for B observations (one pass of each model per step for the batch).
   * A bundle with an external backbone (no `backbone.onnx`) refuses it: use `predictFromFeatures`.
   */
  predict(observations: Observations, options: DecodeOptions): Promise<DecodeResult>;
  /**
   * The teacher policy the heads were distilled from: backbone → `continuous.onnx` → actions, no
   * tokens. Only for bundles that ship `continuous.onnx` (manifest `continuous`); others refuse
   * it (`INVALID_OPTIONS` naming the bundle).
   */
  predictContinuous(observations: Observations): Promise<ContinuousResult>;
  /** Whether the bundle ships the teacher's continuous head (`continuous.onnx`). */
  readonly hasContinuous: boolean;
  /** Decode from features computed elsewhere. features: float32 [B, F]. */
  predictFromFeatures(features: Float32Array, B: number, options: DecodeOptions): Promise<DecodeResult>;
  /** The backbone alone: observations → features float32 [B, F]. */
  computeFeatures(observations: Observations): Promise<Float32Array>;
  /** The RFSQ encoder: actions float32 [B, C, A] (env units) → tokens int32 [B, C, H, L]. */
  encodeActions(actions: Float32Array, B: number): Promise<Int32Array>;
  /** Aggregated statistics of the calls since loading or the last reset. */
  statistics(): EngineStatistics;
  resetStatistics(): void;
  /** Releases the sessions; the engine refuses calls afterwards. */
  close(): Promise<void>;
}
