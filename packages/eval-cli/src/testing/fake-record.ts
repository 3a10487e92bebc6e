import type { EpisodeRecord } from '../results/episode-record.ts';

/** An episode record for tests: a finished baseline failure of task 0, trial 0, with two calls. */
export function fakeRecord(over: Partial<EpisodeRecord>): EpisodeRecord {
  return {
    mode: 'baseline',
    task_id: 0,
    task_description: 'pick up the black bowl',
    trial: 0,
    seed: 1,
    status: 'ok',
    success: false,
    steps: 16,
    inference_ms: [2, 4],
    acceptance: { proposed_layers: 0, accepted_layers: 0, fully_accepted: 0, partially_accepted: 0, rejected: 0, main_passes: 16, draft_passes: 0, accepted_histogram: [2] },
    stage_ms: { backbone: 1, draft: 0, verify: 0, autoregressive: 4, decode: 0.5, total: 6 },
    tokens_sha256: 'aa',
    actions_sha256: 'bb',
    episode_ms: 100,
    ...over,
  };
}
