import { EvalError } from '../errors/eval-error.ts';
import { runIdentityOf, type RunIdentity } from './eval-config.ts';

const FLAG_OF: Record<keyof RunIdentity, string> = {
  suite: '--suite',
  envKind: '--env',
  bundleSha256: '--bundle (manifest.json sha256)',
  modes: '--mode',
  acceptance: '--acceptance',
  draftLayers: '--draft-layers',
  trials: '--trials',
  tasks: '--tasks',
  seed: '--seed',
  maxSteps: '--max-steps',
  waitSteps: '--wait-steps',
  executeSteps: '--execute-steps',
  ensemble: '--ensemble',
  initStates: '--init-states',
  renderSize: '--render-size',
};

/**
 * Refuses to resume a run whose outcome-determining config differs from the saved one:
 * RESUME_MISMATCH naming the first differing field, its saved and its new value.
 */
export function compareRunIdentity(saved: RunIdentity, current: RunIdentity, dir: string): void {
  const a = runIdentityOf(saved);
  const b = runIdentityOf(current);
  for (const key of Object.keys(FLAG_OF) as (keyof RunIdentity)[]) {
    const x = JSON.stringify(a[key] ?? null);
    const y = JSON.stringify(b[key] ?? null);
    if (x !== y) {
      throw new EvalError(
        'RESUME_MISMATCH',
        `--resume ${dir}: field "${key}" (${FLAG_OF[key]}) differs from the saved run: saved ${x}, now ${y}`,
        { subject: key },
      );
    }
  }
}
