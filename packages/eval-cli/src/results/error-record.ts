import type { EpisodeJob } from '../protocol/episode-job.ts';
import type { EpisodeRecord } from './episode-record.ts';

/** The record of an episode that could not start or whose worker died: `status: 'error'`, no calls. */
export function errorRecord(job: EpisodeJob, taskDescription: string, error: string, errorCode: string | undefined): EpisodeRecord {
  return {
    mode: job.mode,
    task_id: job.taskId,
    task_description: taskDescription,
    trial: job.trial,
    seed: job.seed,
    status: 'error',
    success: false,
    steps: 0,
    inference_ms: [],
    acceptance: { proposed_layers: 0, accepted_layers: 0, fully_accepted: 0, partially_accepted: 0, rejected: 0, main_passes: 0, draft_passes: 0, accepted_histogram: [] },
    stage_ms: { backbone: 0, draft: 0, verify: 0, autoregressive: 0, decode: 0, total: 0 },
    tokens_sha256: '',
    actions_sha256: '',
    episode_ms: 0,
    error,
    ...(errorCode === undefined ? {} : { error_code: errorCode }),
  };
}
