import type { BundleManifest } from '@rsd/heads';

/** Where the evaluation runs: the environment kind and the suite. */
export interface RunsOn {
  readonly envKind: 'embedded' | 'python';
  readonly suite: string;
}

/**
 * A warning when the bundle's `trainedOn` record differs from where it is evaluated (another
 * environment or suite, the old embedded conventions) or is missing; undefined when they match.
 * Both backends deliver LIBERO's observation conventions; their dynamics still differ (action
 * scale: see the libero-bridge README), so a policy trained on one meets other units on the other.
 */
export function trainedOnWarning(manifest: BundleManifest, runsOn: RunsOn): string | undefined {
  const t = manifest.trainedOn;
  const here = `--env ${runsOn.envKind === 'embedded' ? 'embedded' : 'python/tcp (real LIBERO)'}, suite ${runsOn.suite}`;
  if (t === undefined) {
    return (
      `warning: bundle "${manifest.name}" records no trainedOn (environment, suite, observation conventions), so nothing checks that it was trained where it runs (${here}). ` +
      'Bundles trained on the embedded suite before it adopted LIBERO conventions read eePos with the table top at z = 0 and both fingers +; ' +
      'rebase such a bundle (eval-cli tools/rebase-bundle-proprio.ts) or retrain it'
    );
  }
  const problems: string[] = [];
  if (t.conventions !== 'libero') {
    problems.push(`it was trained on the "${t.conventions}" observation conventions, this environment delivers LIBERO's (eePos in the world frame with the table top 0.9 m up, fingers left +, right −)`);
  }
  const trainedKind = t.env === 'embedded' ? 'embedded' : 'python';
  if (trainedKind !== runsOn.envKind) {
    problems.push(
      `it was trained on --env ${t.env}, it runs on ${here}: observations share LIBERO's frames, but the dynamics differ (one full action moves the embedded hand 0.05 m per step, LIBERO's OSC ~0.004 m in the first step and ~0.0125 m per step settled)`,
    );
  } else if (t.suite !== runsOn.suite) {
    problems.push(`it was trained on suite ${t.suite}, it runs on ${runsOn.suite}`);
  }
  return problems.length === 0 ? undefined : `warning: bundle "${manifest.name}" runs elsewhere than it was trained: ${problems.join('; ')}`;
}
