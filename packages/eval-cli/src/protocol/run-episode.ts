import { createHash } from 'node:crypto';
import type { LiberoEnv, RgbImage } from '@rsd/libero-bridge';
import type { EpisodeRecord } from '../results/episode-record.ts';
import type { Policy } from '../policy/policy.ts';
import { EpisodeStatsAccumulator } from './episode-stats-accumulator.ts';
import type { EpisodeJob } from './episode-job.ts';
import { callSeed } from './episode-seed.ts';
import { isInfrastructureFault } from '../execution/infrastructure-fault.ts';
import { TemporalEnsemble, type EnsembleSpec } from './temporal-ensemble.ts';

/** The protocol's knobs (SPEC §3). */
export interface EpisodeProtocol {
  readonly suite: string;
  /** Step limit after the wait steps. */
  readonly maxSteps: number;
  /** No-op steps before the policy acts (objects settle). */
  readonly waitSteps: number;
  /** Actions of each chunk executed before querying again (<= C). */
  readonly executeSteps: number;
  /** How chunks become actions; default `none` (open-loop chunks). */
  readonly ensemble?: EnsembleSpec;
}

/** LIBERO's dummy action: no motion, gripper open. */
export const NOOP_ACTION: readonly number[] = [0, 0, 0, 0, 0, 0, -1];

/** Receives the agent-view frame of every environment step (for videos). */
export type FrameSink = (frame: RgbImage, step: number) => void;

/** Result of one episode: its record, and whether the env/policy must be rebuilt. */
export interface EpisodeOutcome {
  readonly record: EpisodeRecord;
  /** An infrastructure error happened: the env and policy are not trusted any more. */
  readonly broken: boolean;
  /**
   * The error was the LIBERO server's or the connection's (died, closed, timed out, unreachable:
   * `isInfrastructureFault`), not the policy's or the environment's own: the episode may run again.
   */
  readonly infrastructure?: boolean;
}

/**
 * Runs one episode in LIBERO's protocol: reset to initial state `trial` with the episode seed,
 * `waitSteps` no-op steps, then a policy call every `executeSteps` steps until the environment
 * reports success (or done) or `maxSteps` policy steps have run. Without an ensemble the call's
 * first `executeSteps` actions run as they are; with `temporal` each step runs the ensemble of
 * every chunk still covering it. Success comes only from the env.
 * Any thrown error ends the episode as `status: 'error'` with the reason; never as a failure.
 */
export async function runEpisode(
  env: LiberoEnv,
  policy: Policy,
  job: EpisodeJob,
  task: { readonly instruction: string },
  protocol: EpisodeProtocol,
  options: { readonly now: () => number; readonly onFrame?: FrameSink } = { now: () => performance.now() },
): Promise<EpisodeOutcome> {
  const start = options.now();
  const stats = new EpisodeStatsAccumulator();
  const tokenHash = createHash('sha256');
  const actionHash = createHash('sha256');
  let steps = 0;
  let success = false;
  const base = { mode: job.mode, task_id: job.taskId, task_description: task.instruction, trial: job.trial, seed: job.seed };
  try {
    let observation = await env.reset({ suite: protocol.suite, taskId: job.taskId, initState: job.trial, seed: job.seed });
    options.onFrame?.(observation.agentviewRgb, 0);
    let done = false;
    for (let t = 0; t < protocol.waitSteps && !done; t++) {
      // only the last wait step's observation reaches the policy (features are computed for it alone)
      const r = await env.step(NOOP_ACTION, { features: t === protocol.waitSteps - 1 });
      observation = r.observation;
      options.onFrame?.(observation.agentviewRgb, 0);
      if (r.success) success = true;
      done = r.done || r.success;
    }
    let calls = 0;
    const ensemble = protocol.ensemble ?? { kind: 'none' };
    let temporal: TemporalEnsemble | undefined;
    while (!done && steps < protocol.maxSteps) {
      const t0 = options.now();
      const chunk = await policy.act({ observation, instruction: task.instruction, mode: job.mode, seed: callSeed(job.seed, job.mode, calls) });
      const elapsed = options.now() - t0;
      calls++;
      stats.addCall(elapsed, chunk.stats);
      tokenHash.update(new Uint8Array(chunk.tokens.buffer, chunk.tokens.byteOffset, chunk.tokens.byteLength));
      if (ensemble.kind === 'temporal') {
        temporal ??= new TemporalEnsemble(ensemble.decay, chunk.chunk, chunk.actionDim);
        temporal.add(steps, chunk.actions);
      }
      const callStep = steps;
      const n = Math.min(protocol.executeSteps, chunk.chunk);
      for (let i = 0; i < n && !done && steps < protocol.maxSteps; i++) {
        const action =
          temporal === undefined
            ? Float64Array.from(chunk.actions.subarray(i * chunk.actionDim, (i + 1) * chunk.actionDim))
            : temporal.actionAt(callStep + i);
        actionHash.update(new Uint8Array(action.buffer));
        // the observation after a chunk's last executed action is the next call's input
        const r = await env.step(action, { features: i === n - 1 });
        steps++;
        observation = r.observation;
        options.onFrame?.(observation.agentviewRgb, steps);
        if (r.success) success = true;
        done = r.done || r.success;
      }
    }
    const record: EpisodeRecord = {
      ...base,
      status: 'ok',
      success,
      steps,
      ...stats.toRecordFields(),
      tokens_sha256: tokenHash.digest('hex'),
      actions_sha256: actionHash.digest('hex'),
      episode_ms: options.now() - start,
    };
    return { record, broken: false };
  } catch (error) {
    const e = error as { message?: unknown; code?: unknown };
    const record: EpisodeRecord = {
      ...base,
      status: 'error',
      success: false,
      steps,
      ...stats.toRecordFields(),
      tokens_sha256: tokenHash.digest('hex'),
      actions_sha256: actionHash.digest('hex'),
      episode_ms: options.now() - start,
      error: typeof e?.message === 'string' ? e.message : String(error),
      ...(typeof e?.code === 'string' ? { error_code: e.code } : {}),
    };
    return { record, broken: true, infrastructure: isInfrastructureFault(error) };
  }
}
