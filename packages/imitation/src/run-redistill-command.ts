import { readFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { registerWasmTrainingKernels, validateBundleManifest } from '@rsd/heads';
import { formatEnsemble, parseEnsemble } from '@rsd/eval-cli';
import { selectTfBackend } from '@rsd/rfsq';
import type { RedistillCli } from './cli/redistill-draft-flags.ts';
import { collectOnPolicyFeatures } from './collect-onpolicy-features.ts';
import { redistillDraft } from './redistill-draft.ts';
import { TRAIN_DEFAULT_CONFIG } from './train-default-config.ts';

/** `redistill-draft`: on-policy rollouts of a bundle, then a fresh draft distilled on their features. */
export async function runRedistillCommand(
  o: RedistillCli & { bundle: string; checkpoint: string; out: string },
  log: (line: string) => void,
): Promise<Record<string, unknown>> {
  const t0 = performance.now();
  const bundleManifest = validateBundleManifest(JSON.parse(await readFile(join(resolve(o.bundle), 'manifest.json'), 'utf8')));
  const execution = {
    executeSteps: o.executeSteps ?? bundleManifest.execution?.executeSteps ?? TRAIN_DEFAULT_CONFIG.execution.executeSteps,
    ensemble: formatEnsemble(parseEnsemble(o.ensemble ?? bundleManifest.execution?.ensemble ?? TRAIN_DEFAULT_CONFIG.execution.ensemble)),
    ...(o.note === undefined ? {} : { note: o.note }),
  };
  const collected = await collectOnPolicyFeatures(resolve(o.bundle), { tasks: o.tasks, episodesPerTask: o.episodes, seed: o.seed, maxSteps: 220, execution }, log);
  const rolloutSeconds = +((performance.now() - t0) / 1000).toFixed(1);
  log(`[redistill] ${collected.N} on-policy calls from ${collected.episodes} episodes (${collected.successes} successes) in ${rolloutSeconds} s`);
  const s = await selectTfBackend({ log });
  if (s.backend === 'wasm') registerWasmTrainingKernels(s.tf);
  const t1 = performance.now();
  const r = await redistillDraft(
    { tf: s.tf, backend: s.backend },
    {
      bundleDir: resolve(o.bundle),
      checkpoint: resolve(o.checkpoint),
      features: collected.features,
      N: collected.N,
      draftWidth: o.draftWidth,
      draftEpochs: o.draftEpochs,
      batchSize: TRAIN_DEFAULT_CONFIG.headsBatchSize,
      learningRate: TRAIN_DEFAULT_CONFIG.headsLearningRate,
      seed: o.seed,
      workDir: `${resolve(o.out)}.work`,
      out: resolve(o.out),
      overwrite: o.overwrite,
      execution,
      provenance: { episodes: collected.episodes, baselineSuccesses: collected.successes, seed: o.seed, seconds: { rollouts: rolloutSeconds } },
    },
    log,
  );
  return {
    out: resolve(o.out),
    samples: collected.N,
    episodes: collected.episodes,
    baselineSuccesses: collected.successes,
    rolloutSeconds,
    distillSeconds: +((performance.now() - t1) / 1000).toFixed(1),
    draftVsMainGreedy: r.report.draftVsMainGreedy,
  };
}
