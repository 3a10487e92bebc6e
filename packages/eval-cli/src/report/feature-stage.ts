import type { ModeResults } from '../results/mode-results.ts';
import { ms, type ReportInput } from './report-input.ts';

/**
 * For a bundle with an external backbone: one sentence on the LIBERO server's feature time per
 * call (its own stage, `stage_ms.features`), next to the policy call's inference time, and the
 * share of a whole call (features + policy) that decoding can speed up. Undefined when no mode
 * has feature times.
 */
export function featureStageLine(input: ReportInput): string | undefined {
  const modes = (['baseline', 'rsd', 'jacobi'] as const)
    .map((name) => [name, input[name]] as const)
    .filter((x): x is readonly [typeof x[0], ModeResults] => x[1] !== null && x[1].stage_ms_mean?.features !== undefined);
  if (modes.length === 0) return undefined;
  const parts = modes.map(([name, m]) => {
    const f = m.stage_ms_mean!.features!;
    const call = m.inference_time_ms?.mean ?? 0;
    const share = f + call > 0 ? (100 * call) / (f + call) : 0;
    return `${name} ${ms(f)} features + ${ms(call)} policy (${share.toFixed(1)} % of the call is what RSD can touch)`;
  });
  return `Features stage (computed by the LIBERO server's --features module after each reset and step, measured there; not included in the inference time above): ${parts.join(' · ')}.`;
}
