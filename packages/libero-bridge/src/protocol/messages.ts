/**
 * The messages of protocol `rsd-libero/1` (and its minor version 1.1, see below). Every request carries an `id` (a positive integer the
 * client picks); the server answers each request with exactly one reply carrying the same `id`,
 * either the reply type listed here or an `error` reply. Field names are snake_case on the wire.
 *
 * | request       | fields                                                        | reply          |
 * |---------------|---------------------------------------------------------------|----------------|
 * | `hello`       | `version`, `token?`, `client`                                 | `hello`        |
 * | `list_suites` |                                                               | `suites`       |
 * | `reset`       | `suite`, `task_id`, `init_state`, `seed`, `camera_height`, `camera_width` | `observation`  |
 * | `step`        | `action` (7 finite numbers, already clipped to [-1, 1])       | `step_result`  |
 * | `features_batch` (1.1) | `instruction` (str or N str); blobs `agentview_rgb` uint8 [N, H, W, 3], `proprio` float32 [N, 9], `eye_in_hand_rgb?` | `features` (blob `features` float32 [N, F], `features_ms`) |
 * | `close`       |                                                               | `closed`       |
 *
 * 1.1 (`version: 'rsd-libero/1.1'`, hello `features: true`, optional `env: false` for a client
 * that only sends `features_batch` and needs no LIBERO): `observation` and `step_result` also
 * carry the blob `features` float32 [F] and `features_ms` (the server's time in the feature
 * module), computed by the server's `--features` module after every reset and step (except a
 * `step` that says `features: false`: the client will not use that observation). The hello
 * reply says `features: { module }`. A server without a usable module refuses such a hello with
 * FEATURES_UNAVAILABLE; a module failing during an episode is FEATURES_FAILED.
 *
 * `observation` and `step_result` carry `obs: { ee_pos [3], ee_quat [4], gripper_qpos [2] }`
 * in the header and the images as blobs `agentview_rgb` and (optionally) `eye_in_hand_rgb`,
 * uint8 [H, W, 3], already rotated upright by the server. `step_result` adds `reward`, `done`,
 * `success`.
 *
 * An `error` reply is `{ type: 'error', id, error: { type, message, code? } }`: `type` is the
 * server's exception class, `message` its text, `code` a BridgeErrorCode when the server
 * recognised the failure (unknown suite, task or initial state, bad action, version mismatch,
 * bad token). A reply the server could not tie to a request has `id: null`.
 */
import type { PROTOCOL_VERSION } from './protocol-version.ts';

export interface HelloRequest {
  readonly type: 'hello';
  readonly id: number;
  readonly version: typeof PROTOCOL_VERSION | string;
  readonly client: string;
  readonly token?: string;
  /** 1.1: send the `--features` module's output with every observation. */
  readonly features?: boolean;
  /** 1.1: `false` = this client only sends `features_batch` (the server needs no LIBERO). */
  readonly env?: boolean;
}

export interface ListSuitesRequest {
  readonly type: 'list_suites';
  readonly id: number;
}

export interface ResetRequest {
  readonly type: 'reset';
  readonly id: number;
  readonly suite: string;
  readonly task_id: number;
  readonly init_state: number;
  readonly seed: number;
  readonly camera_height: number;
  readonly camera_width: number;
}

export interface StepRequest {
  readonly type: 'step';
  readonly id: number;
  /** float [7]: dx dy dz droll dpitch dyaw gripper, clipped to [-1, 1]. */
  readonly action: readonly number[];
  /** 1.1: `false` = no features for this step's observation (the client will not use it). */
  readonly features?: boolean;
}

/** 1.1: features of N observations (demo replay); images and proprio travel as blobs. */
export interface FeaturesBatchRequest {
  readonly type: 'features_batch';
  readonly id: number;
  /** One instruction for all N observations, or one each. */
  readonly instruction: string | readonly string[];
}

export interface CloseRequest {
  readonly type: 'close';
  readonly id: number;
}

export type BridgeRequest = HelloRequest | ListSuitesRequest | ResetRequest | StepRequest | FeaturesBatchRequest | CloseRequest;

/** Reply type the server sends for each request type. */
export const REPLY_TYPE = {
  hello: 'hello',
  list_suites: 'suites',
  reset: 'observation',
  step: 'step_result',
  features_batch: 'features',
  close: 'closed',
} as const satisfies Record<BridgeRequest['type'], string>;

/** The `error` object of an error reply. */
export interface ErrorReplyBody {
  readonly type: string;
  readonly message: string;
  readonly code?: string;
}
