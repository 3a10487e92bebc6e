import { EVAL_MODES, type EvalMode } from '../config/eval-config.ts';

/** Decoding statistics of one episode, summed over its policy calls. */
export interface EpisodeAcceptance {
  readonly proposed_layers: number;
  readonly accepted_layers: number;
  readonly fully_accepted: number;
  readonly partially_accepted: number;
  readonly rejected: number;
  readonly main_passes: number;
  readonly draft_passes: number;
  /** accepted_histogram[j] = calls that accepted exactly j draft layers. */
  readonly accepted_histogram: readonly number[];
  /** pass_histogram[n] = calls that needed n main passes (absent in records of older versions). */
  readonly pass_histogram?: readonly number[];
  /** decided_by_pass[i] = layers decided by the calls' (i+1)-th main pass, summed over calls. */
  readonly decided_by_pass?: readonly number[];
  /** max_rejections_histogram[r] = calls whose most-rejected position (c, h) was rejected r times. */
  readonly max_rejections_histogram?: readonly number[];
  /** Checked / kept tokens and layers per layer, draft- and main-proposed apart, summed over calls. */
  readonly layer_checks?: EpisodeLayerChecks;
}

/** Per-layer check counts of one proposal source, each [L]. */
export interface SourceCheckCounts {
  readonly tokens_checked: readonly number[];
  readonly tokens_kept: readonly number[];
  readonly layers_checked: readonly number[];
  readonly layers_kept: readonly number[];
}

/** Check counts by proposal source: the draft head, or main's own output of its previous pass. */
export interface EpisodeLayerChecks {
  readonly draft: SourceCheckCounts;
  readonly main: SourceCheckCounts;
}

/** Per-stage wall time summed over the episode's calls, ms. */
export interface EpisodeStageMs {
  readonly backbone: number;
  readonly draft: number;
  readonly verify: number;
  readonly autoregressive: number;
  readonly decode: number;
  readonly total: number;
  /**
   * External backbone: the LIBERO server's time computing the features of the calls' observations
   * (its `--features` module). Not part of `total` nor of `inference_ms`; absent otherwise.
   */
  readonly features?: number;
}

/** One line of `episodes.jsonl`, appended and flushed as soon as the episode finishes. */
export interface EpisodeRecord {
  readonly mode: EvalMode;
  readonly task_id: number;
  readonly task_description: string;
  /** The initial-state index. */
  readonly trial: number;
  readonly seed: number;
  /** `error`: the episode could not be run (bridge died, model failed): neither success nor failure. */
  readonly status: 'ok' | 'error';
  /** The environment's own success signal (false for errors). */
  readonly success: boolean;
  /** Policy-driven environment steps taken (after the wait steps). */
  readonly steps: number;
  /** Wall time of each policy call, ms, in order. */
  readonly inference_ms: readonly number[];
  readonly acceptance: EpisodeAcceptance;
  readonly stage_ms: EpisodeStageMs;
  /** sha256 of every call's tokens (int32 [C, H, L], little-endian) in order (`continuous`: no tokens, the sha256 of nothing). */
  readonly tokens_sha256: string;
  /** sha256 of every executed action (float64 [7]) in order. */
  readonly actions_sha256: string;
  /** Wall time of the whole episode, ms. */
  readonly episode_ms: number;
  /** File name of the rollout GIF under videos/, when recorded. */
  readonly video?: string;
  readonly error?: string;
  readonly error_code?: string;
  /**
   * Runs of this episode, from its start, until it finished: 1 unless a LIBERO server or the
   * connection failed (`--attempts`). Absent in records of older versions (= 1).
   */
  readonly attempts?: number;
  /** The LIBERO server (`tcp://host:port`) the recorded attempt ran on (TCP runs). */
  readonly endpoint?: string;
  /** The earlier attempts' infrastructure failures, in order (only when attempts > 1). */
  readonly retried?: readonly EpisodeAttemptFailure[];
}

/** Why an attempt at an episode was abandoned and the episode run again. */
export interface EpisodeAttemptFailure {
  readonly endpoint?: string;
  readonly error: string;
  readonly error_code?: string;
  /** Wall time the abandoned attempt ran, ms (the time the failure cost this episode). */
  readonly episode_ms?: number;
}

const MODES: ReadonlySet<string> = new Set<string>(EVAL_MODES);

/** Checks a parsed JSONL line; returns a description of the first problem or undefined. */
export function episodeRecordProblem(v: unknown): string | undefined {
  if (typeof v !== 'object' || v === null) return 'not an object';
  const r = v as Record<string, unknown>;
  if (!MODES.has(r.mode as string)) return `field "mode" must be one of ${EVAL_MODES.join(', ')}`;
  for (const f of ['task_id', 'trial', 'seed', 'steps', 'episode_ms']) {
    if (typeof r[f] !== 'number' || !Number.isFinite(r[f])) return `field "${f}" must be a number`;
  }
  if (r.status !== 'ok' && r.status !== 'error') return 'field "status" must be ok or error';
  if (typeof r.success !== 'boolean') return 'field "success" must be a boolean';
  if (r.status === 'error' && r.success) return 'an error episode cannot be a success';
  if (r.status === 'error' && typeof r.error !== 'string') return 'field "error" is required when status is error';
  if (!Array.isArray(r.inference_ms) || !r.inference_ms.every((x) => typeof x === 'number')) return 'field "inference_ms" must be a number array';
  if (typeof r.acceptance !== 'object' || r.acceptance === null) return 'field "acceptance" must be an object';
  if (typeof r.stage_ms !== 'object' || r.stage_ms === null) return 'field "stage_ms" must be an object';
  if (typeof r.tokens_sha256 !== 'string') return 'field "tokens_sha256" must be a string';
  return undefined;
}
