import { existsSync, statSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { join, resolve } from 'node:path';
import type { EvalFlags } from '../cli/eval-flags.ts';
import { compareRunIdentity } from '../config/compare-run-identity.ts';
import { compareRunFeatures, featuresRecordOf } from '../config/compare-run-features.ts';
import { resolveRetryOptions, type RetryOptions } from '../config/resolve-retry-options.ts';
import { probeEndpoint } from '../env/probe-endpoint.ts';
import { EndpointPool } from '../execution/endpoint-pool.ts';
import { defaultBundleDir } from '../config/default-bundle-dir.ts';
import { runIdentityOf, type EvalConfig } from '../config/eval-config.ts';
import { resolveEvalConfig } from '../config/resolve-eval-config.ts';
import { EvalError } from '../errors/eval-error.ts';
import type { CameraSize } from '../env/create-env.ts';
import type { EpisodeExecutor } from '../execution/episode-executor.ts';
import { WorkerPoolExecutor } from '../execution/worker-pool-executor.ts';
import { ProgressReporter, type ProgressStream } from '../progress/progress-reporter.ts';
import { episodeKey, planEpisodes } from '../protocol/episode-job.ts';
import { readEpisodeLog } from '../results/episode-log.ts';
import type { EpisodeRecord } from '../results/episode-record.ts';
import { readRunManifest, RUN_FORMAT, type RunManifest } from '../results/run-manifest.ts';
import { RunFolder } from '../results/run-folder.ts';
import { writeOutputs, type RunOutputs } from './write-outputs.ts';
import { parseEnsemble } from '../protocol/temporal-ensemble.ts';
import { trainedOnWarning } from '../config/trained-on-warning.ts';
import { resizeMethodFor } from '@rsd/rsd-engine';
import { isExternalBackbone } from '@rsd/heads';

/** What `runEval` needs from the outside world; every field has a default. */
export interface EvalDeps {
  readonly cwd?: string;
  readonly now?: () => Date;
  readonly cores?: number;
  /** Progress and log lines (stderr). */
  readonly progress?: ProgressStream;
  readonly defaultBundleDir?: string;
  /** How episodes run; default: worker threads with the real environment and engine. */
  readonly createExecutor?: (config: EvalConfig, camera: CameraSize, log: (line: string) => void) => EpisodeExecutor;
}

export interface EvalResult extends RunOutputs {
  readonly outDir: string;
  /** Episodes run by this invocation. */
  readonly ran: number;
  /** Episodes already finished in the resumed folder. */
  readonly skipped: number;
  readonly errors: number;
}

/** A started EndpointPool over the run's TCP servers (undefined for other environments). */
async function startEndpointPool(config: EvalConfig, camera: CameraSize, retry: RetryOptions, log: (line: string) => void): Promise<EndpointPool | undefined> {
  const env = config.env;
  if (env.kind !== 'tcp') return undefined;
  const pool = new EndpointPool({ endpoints: env.endpoints, probe: (url) => probeEndpoint(env, url, camera), serverWaitMs: retry.serverWaitMs, log });
  await pool.start();
  return pool;
}

function defaultExecutor(config: EvalConfig, camera: CameraSize, log: (line: string) => void): EpisodeExecutor {
  return new WorkerPoolExecutor(
    config.workers,
    (worker) => ({
      worker,
      env: config.env,
      camera,
      bundleDir: config.bundleDir,
      acceptance: config.acceptance,
      draftLayers: config.draftLayers,
      intraOpThreads: config.intraOpThreads,
      protocol: { suite: config.suite, maxSteps: config.maxSteps, waitSteps: config.waitSteps, executeSteps: config.executeSteps, ensemble: parseEnsemble(config.ensemble) },
      videoDir: config.video > 0 || config.highlights === true ? join(config.outDir, 'videos') : undefined,
      highlights: config.highlights === true,
      resizeImages: config.renderSize !== undefined,
    }),
    log,
  );
}

/**
 * The `eval` command: validates every flag and the bundle, then runs the missing episodes of
 * the plan (both modes on the same tasks, initial states and seeds), appending each record to
 * episodes.jsonl as it finishes, and writes the results and reports from the whole log.
 */
export async function runEval(flags: EvalFlags, deps: EvalDeps = {}): Promise<EvalResult> {
  const cwd = deps.cwd ?? process.cwd();
  const now = deps.now ?? (() => new Date());
  const stream: ProgressStream = deps.progress ?? { write: (s) => void process.stderr.write(s), isTTY: process.stderr.isTTY === true };
  const saved = flags.resume === undefined ? undefined : readRunManifest(resolve(cwd, flags.resume));
  const retry = resolveRetryOptions(flags);
  const { config, bundle } = resolveEvalConfig(flags, {
    cores: deps.cores ?? availableParallelism(),
    now: now(),
    cwd,
    defaultBundleDir: deps.defaultBundleDir ?? defaultBundleDir(),
    ...(saved === undefined ? {} : { saved: { identity: saved.identity, bundleDir: saved.bundleDir, env: saved.env, ...(saved.features === undefined ? {} : { features: saved.features }) } }),
  });
  const logPath = join(config.outDir, 'episodes.jsonl');
  const backbone = bundle.manifest.backbone;
  const external = isExternalBackbone(backbone);
  // an external backbone's provider crops/resizes itself: the env renders at its image size (default 224)
  const input = external ? (backbone.image ?? { height: 224, width: 224 }) : backbone.image;
  // the environment renders at --render-size (resized to the bundle's input), else at the input size
  const camera: CameraSize = config.renderSize === undefined ? input : { height: config.renderSize, width: config.renderSize };
  const method = resizeMethodFor(camera.width, camera.height, input.width, input.height);
  const features = config.env.kind === 'python' ? config.env.features : undefined;
  const notes = [
    ...(external
      ? [
          `features: the bundle's backbone is external (provider ${backbone.provider}, F = ${backbone.F}); the LIBERO server computes them with ${features === undefined ? 'the --features module it was started with' : `--features ${features.module}${features.config === undefined ? '' : ` --features-config ${features.config}`}`} after every reset and step, measured there as its own stage (stage_ms.features), not part of the policy call's inference time`,
          `render: the environment renders ${camera.width}x${camera.height} for the feature module (it crops or resizes itself)`,
        ]
      : []),
    ...(external ? [] : [config.renderSize === undefined
      ? `render: the environment renders ${camera.width}x${camera.height}, the bundle's input size; no resize`
      : `render: --render-size ${config.renderSize}: the environment renders ${camera.width}x${camera.height}; each image is resized to the bundle's ${input.width}x${input.height} input by ${method === 'none' ? 'nothing (same size)' : method}`]),
    ...[trainedOnWarning(bundle.manifest, { envKind: config.envKind, suite: config.suite })].filter((w): w is string => w !== undefined),
  ];
  let run: RunManifest;
  let folder: RunFolder;
  if (saved !== undefined) {
    compareRunIdentity(saved.identity, config, config.outDir);
    compareRunFeatures(saved.features, features, config.outDir);
    run = saved;
    folder = RunFolder.resume(config.outDir);
  } else {
    // an empty log (left by a setup fault of an older version) holds no episode to mix with
    if (existsSync(logPath) && statSync(logPath).size > 0) {
      throw new EvalError('INVALID_FLAG', `--out ${config.outDir} already holds episodes.jsonl: continue it with --resume ${config.outDir} or choose another --out`, { subject: 'out' });
    }
    run = { format: RUN_FORMAT, identity: runIdentityOf(config), env: flags.env ?? 'embedded', bundleDir: config.bundleDir, bundleName: bundle.manifest.name, startedAt: now().toISOString(), notes, ...(features === undefined ? {} : { features: featuresRecordOf(features) }) };
    // run.json and episodes.jsonl are written with the first episode record: a setup fault leaves
    // nothing that would refuse the same command
    folder = RunFolder.start(config.outDir, run);
  }
  try {
    return await runPlanned(config, run, folder, { camera, retry, notes, stream, deps });
  } catch (error) {
    if (folder.discard()) throw error;
    if (EvalError.isInstance(error) && error.code === 'SERVERS_DOWN') {
      throw new EvalError('SERVERS_DOWN', `${error.message}. No episode had finished: nothing was kept; restart the servers and run the same command again`, {
        subject: 'env',
        cause: error,
      });
    }
    throw error;
  }
}

/** Runs the plan's missing episodes into `folder` and writes the results (the part of `runEval` after validation). */
async function runPlanned(
  config: EvalConfig,
  run: RunManifest,
  folder: RunFolder,
  ctx: { readonly camera: CameraSize; readonly retry: RetryOptions; readonly notes: readonly string[]; readonly stream: ProgressStream; readonly deps: EvalDeps },
): Promise<EvalResult> {
  const { camera, retry, notes, stream, deps } = ctx;
  const logPath = folder.logPath;
  const plan = planEpisodes({ modes: config.modes, tasks: config.tasks, trials: config.trials, seed: config.seed, video: config.video });
  const planned = new Set(plan.map(episodeKey));
  const previous = readEpisodeLog(logPath, { repair: true }).filter((r) => planned.has(episodeKey(r)));
  const finished = new Set(previous.filter((r) => r.status === 'ok').map(episodeKey));
  const todo = plan.filter((j) => !finished.has(episodeKey(j)));
  const progress = new ProgressReporter(stream);
  for (const note of notes) progress.log(note);
  // TCP: every server is probed before any episode (none answers: setup fault), then watched
  const endpoints = await startEndpointPool(config, camera, retry, (line) => progress.log(line));
  const totals = new Map(config.modes.map((m) => [m, plan.filter((j) => j.mode === m).length] as const));
  progress.start(totals, previous.filter((r) => r.status === 'ok'));
  let executor: EpisodeExecutor;
  try {
    executor = (deps.createExecutor ?? defaultExecutor)(config, camera, (line) => progress.log(line));
  } catch (error) {
    endpoints?.close();
    throw error;
  }
  let ran = 0;
  let ok = finished.size;
  try {
    await executor.runAll(
      todo,
      (record: EpisodeRecord) => {
        folder.append(record);
        ran++;
        if (record.status === 'ok') ok++;
        progress.episode(record);
      },
      { attempts: retry.attempts, log: (line) => progress.log(line), ...(endpoints === undefined ? {} : { endpoints }) },
    );
  } catch (error) {
    if (EvalError.isInstance(error) && error.code === 'SERVERS_DOWN' && folder.records + finished.size > 0) {
      throw new EvalError(
        'SERVERS_DOWN',
        `${error.message}. The run stopped: ${ok} of ${plan.length} episodes are finished and kept in ${logPath}; restart the servers and continue with --resume ${config.outDir}`,
        { subject: 'env', cause: error },
      );
    }
    throw error;
  } finally {
    endpoints?.close();
    progress.finish();
    folder.close();
    await executor.close();
  }
  folder.open(); // run.json and episodes.jsonl exist even when nothing was left to run
  folder.close();
  const records = readEpisodeLog(logPath).filter((r) => planned.has(episodeKey(r)));
  const outputs = writeOutputs(config.outDir, run, records);
  return { ...outputs, outDir: config.outDir, ran, skipped: finished.size, errors: records.filter((r) => r.status === 'error').length };
}
