import type { CameraSize } from '../env/create-env.ts';
import type { EnvSpec } from '../env/env-spec.ts';
import type { EpisodeJob } from '../protocol/episode-job.ts';
import type { EpisodeProtocol } from '../protocol/run-episode.ts';
import type { EpisodeRecord } from '../results/episode-record.ts';

/** Everything a worker thread needs to build its own environment and engine. */
export interface WorkerInit {
  readonly worker: number;
  readonly env: EnvSpec;
  readonly camera: CameraSize;
  readonly bundleDir: string;
  readonly acceptance: string;
  readonly draftLayers: number | undefined;
  readonly intraOpThreads: number;
  readonly protocol: EpisodeProtocol;
  readonly videoDir: string | undefined;
  /** Write the GIF of each worker's first success and first failure per task and mode (`--video highlights`). */
  readonly highlights?: boolean;
  /** Resize each image to the bundle's input (`--render-size`); otherwise a size mismatch is an error. */
  readonly resizeImages?: boolean;
}

/** `job`: run it once, on `endpoint` when given (the LIBERO server the scheduler picked). */
export type ToWorker =
  | { readonly type: 'init'; readonly init: WorkerInit }
  | { readonly type: 'job'; readonly job: EpisodeJob; readonly endpoint?: string }
  | { readonly type: 'close' };

export type FromWorker =
  | { readonly type: 'record'; readonly record: EpisodeRecord; readonly infrastructure: boolean }
  | { readonly type: 'fatal'; readonly message: string; readonly code: string | undefined; readonly name: string }
  | { readonly type: 'log'; readonly line: string }
  | { readonly type: 'closed' };
