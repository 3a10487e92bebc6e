import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { isSetupFault, type LiberoEnv, type RgbImage, type SuiteInfo } from '@rsd/libero-bridge';
import { setupFaultMessage } from '../env/setup-fault-message.ts';
import { EvalError } from '../errors/eval-error.ts';
import type { Policy } from '../policy/policy.ts';
import type { EpisodeJob } from '../protocol/episode-job.ts';
import { runEpisode, type EpisodeProtocol } from '../protocol/run-episode.ts';
import type { EpisodeRecord } from '../results/episode-record.ts';
import { errorRecord } from '../results/error-record.ts';
import { encodeRolloutGif } from '../video/rollout-gif.ts';
import { isInfrastructureFault } from './infrastructure-fault.ts';
import { videoFileName } from '../video/video-file-name.ts';

/** Builds the environment and the policy of one slot (a worker thread, or the caller's thread). */
export interface SlotFactories {
  /** endpoint: the LIBERO server to connect to (`tcp://host:port`), when the run has several. */
  createEnv(endpoint?: string): Promise<LiberoEnv>;
  createPolicy(): Promise<Policy>;
}

/** One attempt at an episode: its record, and whether it failed for an infrastructure reason. */
export interface SlotOutcome {
  readonly record: EpisodeRecord;
  /** The LIBERO server or the connection failed (`isInfrastructureFault`): the episode may run again elsewhere. */
  readonly infrastructure: boolean;
}

/**
 * One place where episodes run, one at a time, with its own environment and policy, both
 * created on first use. After an episode error both are closed and rebuilt for the next episode
 * (only the environment when the server or the connection failed: `SlotOutcome.infrastructure`,
 * and the scheduler runs that episode again), so one dead bridge never costs the run.
 */
export class EpisodeSlot {
  readonly #factories: SlotFactories;
  readonly #protocol: EpisodeProtocol;
  readonly #videoDir: string | undefined;
  readonly #highlights: boolean;
  /** `<mode>/<task>/<outcome>` this slot already wrote a highlight GIF for. */
  readonly #highlighted = new Set<string>();
  #env: LiberoEnv | undefined;
  /** The endpoint `#env` is connected to. */
  #endpoint: string | undefined;
  #policy: Policy | undefined;
  #suite: SuiteInfo | undefined;

  /** highlights: keep frames of every episode, write the GIF of this slot's first success and first failure per task and mode. */
  constructor(factories: SlotFactories, protocol: EpisodeProtocol, options: { readonly videoDir?: string; readonly highlights?: boolean } = {}) {
    this.#factories = factories;
    this.#protocol = protocol;
    this.#videoDir = options.videoDir;
    this.#highlights = options.highlights === true;
  }

  async run(job: EpisodeJob): Promise<EpisodeRecord> {
    return (await this.attempt(job)).record;
  }

  /**
   * Runs `job` once on `endpoint` (the environment is reconnected when it differs from the last
   * one). An infrastructure failure is reported as such, and writes no video: the episode may run again.
   */
  async attempt(job: EpisodeJob, endpoint?: string): Promise<SlotOutcome> {
    let instruction = '';
    let env: LiberoEnv;
    let policy: Policy;
    try {
      if (this.#env !== undefined && this.#endpoint !== endpoint) await this.#discardEnv();
      this.#endpoint = endpoint;
      env = this.#env ??= await this.#factories.createEnv(endpoint);
      const suites = (this.#suite ??= await this.#findSuite(env));
      const task = suites.tasks.find((t) => t.id === job.taskId);
      if (task === undefined) throw new EvalError('INVALID_FLAG', `suite ${suites.name} has no task ${job.taskId}`, { subject: 'tasks' });
      instruction = task.instruction;
      if (job.trial >= task.numInitStates) {
        throw new EvalError('INVALID_FLAG', `task ${job.taskId} ships ${task.numInitStates} initial states; trial ${job.trial} does not exist`, { subject: 'trials' });
      }
      policy = this.#policy ??= await this.#loadPolicy();
    } catch (error) {
      await this.#discard();
      if (isFatalSetupError(error)) throw error;
      if (isSetupFault(error)) {
        throw new EvalError('SETUP_FAILED', setupFaultMessage(error), { subject: error.code, cause: error });
      }
      return { record: setupErrorRecord(job, instruction, error), infrastructure: isInfrastructureFault(error) };
    }
    const frames: { frame: RgbImage; step: number }[] = [];
    const onFrame = (job.video || this.#highlights) && this.#videoDir !== undefined ? (frame: RgbImage, step: number) => frames.push({ frame, step }) : undefined;
    const { record, broken, infrastructure = false } = await runEpisode(env, policy, job, { instruction }, this.#protocol, {
      now: () => performance.now(),
      ...(onFrame === undefined ? {} : { onFrame }),
    });
    // a lost server costs only the connection; any other error rebuilds the policy too
    if (broken) await (infrastructure ? this.#discardEnv() : this.#discard());
    const outcome = { record, infrastructure };
    if (infrastructure || onFrame === undefined || frames.length === 0 || this.#videoDir === undefined) return outcome;
    const highlight = `${job.mode}/${job.taskId}/${record.status === 'error' ? 'error' : record.success}`;
    if (!job.video && (record.status === 'error' || this.#highlighted.has(highlight))) return outcome;
    this.#highlighted.add(highlight);
    const name = videoFileName(record);
    mkdirSync(this.#videoDir, { recursive: true });
    writeFileSync(join(this.#videoDir, name), encodeRolloutGif(frames, { task: instruction, mode: job.mode, outcome: record.status === 'error' ? 'ERROR' : record.success ? 'SUCCESS' : 'FAILURE' }));
    return { record: { ...record, video: name }, infrastructure };
  }

  /** A bundle that does not load will not load on retry either: that stops the run. */
  async #loadPolicy(): Promise<Policy> {
    try {
      return await this.#factories.createPolicy();
    } catch (error) {
      throw new EvalError('MODEL_LOAD_FAILED', `loading the policy failed: ${(error as Error).message}`, { subject: 'bundle', cause: error });
    }
  }

  async #findSuite(env: LiberoEnv): Promise<SuiteInfo> {
    const suites = await env.listSuites();
    const suite = suites.find((s) => s.name === this.#protocol.suite);
    if (suite === undefined) {
      throw new EvalError('INVALID_FLAG', `the ${env.backend} environment has no suite ${this.#protocol.suite} (it has: ${suites.map((s) => s.name).join(', ')})`, { subject: 'suite' });
    }
    return suite;
  }

  /** Closes the environment only (another endpoint next); the policy stays loaded. */
  async #discardEnv(): Promise<void> {
    const env = this.#env;
    this.#env = undefined;
    this.#suite = undefined;
    await env?.close().catch(() => undefined);
  }

  async #discard(): Promise<void> {
    const env = this.#env;
    const policy = this.#policy;
    this.#env = undefined;
    this.#policy = undefined;
    this.#suite = undefined;
    await Promise.allSettled([env?.close(), policy?.close()]);
  }

  /** Closes the environment and the policy. */
  async close(): Promise<void> {
    await this.#discard();
  }
}

const FATAL_CODES: ReadonlySet<string> = new Set(['INVALID_FLAG', 'MISSING_BUNDLE', 'MODEL_LOAD_FAILED', 'SETUP_FAILED']);

/**
 * Setup errors that no retry can fix (a wrong flag, a model that does not load, a caller mistake) end
 * the run instead of turning every episode into an `error` record.
 */
export function isFatalSetupError(error: unknown): boolean {
  if (EvalError.isInstance(error)) return FATAL_CODES.has(error.code);
  return error instanceof TypeError || error instanceof RangeError;
}

function setupErrorRecord(job: EpisodeJob, instruction: string, error: unknown): EpisodeRecord {
  const e = error as { message?: unknown; code?: unknown };
  return errorRecord(job, instruction, `setup failed: ${typeof e?.message === 'string' ? e.message : String(error)}`, typeof e?.code === 'string' ? e.code : undefined);
}
