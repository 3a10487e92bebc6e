import type { ModeResults } from '../results/mode-results.ts';
import type { ModeComparison } from '../results/performance-comparison.ts';
import { depthTables, tableMarkdown } from './depth-tables.ts';
import { featureStageLine } from './feature-stage.ts';
import { ms, pct, times, tokenizationCostLine, type ReportInput } from './report-input.ts';

const speedupRow = (name: string, c: ModeComparison) => {
  const s = c.speedup_by_stage;
  return `| ${name} | ${times(c.speedup)} | ${times(c.speedup_p50)} | ${times(c.speedup_p95)} | ${times(s.backbone)} | ${times(s.decoding)} | ${times(s.decode)} | ${times(s.total)} |`;
};

const modeRow = (name: string, m: ModeResults | null) =>
  m === null
    ? `| ${name} | not run | | | | | |`
    : `| ${name} | ${pct(m.final_success_rate)} [${pct(m.success_rate_ci95[0])}, ${pct(m.success_rate_ci95[1])}] | ${m.total_successes}/${m.total_episodes} | ${m.total_errors} | ${ms(m.inference_time_ms?.mean)} | ${ms(m.inference_time_ms?.p50)} | ${ms(m.inference_time_ms?.p95)} |`;

/** `report.md`: the run's config, overall and per-task results, speedup, acceptance, errors. */
export function reportMarkdown(input: ReportInput): string {
  const { identity: id, baseline, rsd, jacobi, comparison: c } = input;
  const continuous = input.continuous ?? null;
  const ranJacobi = id.modes.includes('jacobi');
  const ranContinuous = id.modes.includes('continuous');
  const lines: string[] = [];
  lines.push(`# RSD evaluation: ${id.suite}`, '');
  lines.push(
    `Started ${input.startedAt} · env \`${input.env}\` · bundle \`${input.bundleName ?? ''}\` at \`${input.bundleDir}\` (manifest sha256 \`${id.bundleSha256.slice(0, 12)}…\`) · ` +
      `acceptance \`${id.acceptance}\` · ${id.trials} trials × ${id.tasks.length} tasks · seed ${id.seed} · ` +
      `max steps ${id.maxSteps} · wait ${id.waitSteps} · policy call every ${id.executeSteps} steps · ensemble ${id.ensemble ?? 'none'}${id.initStates === 'validation' ? ' · **validation initial states** (not the evaluation states)' : ''}`,
    '',
  );
  for (const note of input.notes ?? []) lines.push(`- ${note}`);
  if ((input.notes ?? []).length > 0) lines.push('');
  lines.push('## Overall', '');
  lines.push('| mode | success rate [Wilson 95 %] | successes | errors | mean | p50 | p95 |', '| --- | --- | --- | --- | --- | --- | --- |');
  lines.push(modeRow('baseline', baseline), modeRow('rsd', rsd), ...(ranJacobi ? [modeRow('jacobi', jacobi)] : []), ...(ranContinuous ? [modeRow('continuous', continuous)] : []), '');
  lines.push('Inference time is the wall time of one policy call (backbone + decoding + RFSQ decode). Episodes that ended in `error` are not counted in the success rate; they are listed below.', '');
  const features = featureStageLine(input);
  if (features !== undefined) lines.push(features, '');
  const tokenization = tokenizationCostLine(input);
  if (tokenization !== undefined) lines.push(tokenization, '');
  lines.push('## Speedup', '');
  lines.push(`| | overall (mean) | p50 | p95 | backbone | decoding (draft + main passes) | RFSQ decode | engine total |`, '| --- | --- | --- | --- | --- | --- | --- | --- |');
  lines.push(speedupRow('rsd vs baseline', c));
  if (c.jacobi_vs_baseline !== null) lines.push(speedupRow('jacobi vs baseline', c.jacobi_vs_baseline));
  if (c.rsd_vs_jacobi !== null) lines.push(speedupRow('rsd vs jacobi (the draft\'s worth)', c.rsd_vs_jacobi));
  lines.push('');
  if (c.acceptance_stats !== null) {
    const a = c.acceptance_stats;
    lines.push('## Draft acceptance', '');
    lines.push(`Draft layers fully accepted ${pct(a.draft_acceptance_rate)}, partially ${pct(a.partial_acceptance_rate)}, rejected ${pct(a.full_rejection_rate)}; mean accepted layers per call ${a.mean_accepted_layers.toFixed(2)}.`, '');
    lines.push(`| layer | ${a.acceptance_by_layer.map((_, l) => l).join(' | ')} |`, `| --- |${a.acceptance_by_layer.map(() => ' --- |').join('')}`);
    lines.push(`| accepted | ${a.acceptance_by_layer.map((v) => pct(v)).join(' | ')} |`, '');
  }
  const tables = depthTables(input);
  if (tables.length > 0) {
    lines.push('## Decoding over residual depth', '');
    lines.push('Each main pass verifies the current proposal of every undecided layer; after the first rejected layer, main\'s own outputs of that pass become the proposal for the deeper layers (Jacobi over depth).', '');
    for (const t of tables) lines.push(...tableMarkdown(t));
  }
  const p = c.paired;
  lines.push('## Paired episodes', '');
  lines.push(`${p.episodes} episodes ran in both modes: both succeeded ${p.both_success}, only baseline ${p.only_baseline}, only RSD ${p.only_rsd}, neither ${p.neither}; identical token streams in ${p.identical_tokens}.`, '');
  const j = c.jacobi_vs_baseline?.paired;
  if (j !== undefined) lines.push(`Jacobi: ${j.episodes} episodes paired with baseline: both succeeded ${j.both_success}, only baseline ${j.only_baseline}, only Jacobi ${j.only_rsd}, neither ${j.neither}; identical token streams in ${j.identical_tokens}.`, '');
  lines.push('## Per task', '');
  lines.push(`| task | instruction | baseline | rsd |${ranJacobi ? ' jacobi |' : ''}${ranContinuous ? ' continuous |' : ''}`, `| --- | --- | --- | --- |${ranJacobi ? ' --- |' : ''}${ranContinuous ? ' --- |' : ''}`);
  const tasks = (baseline ?? rsd ?? jacobi ?? continuous)?.task_results ?? [];
  tasks.forEach((t, i) => {
    const cell = (m: ModeResults | null) => {
      const r = m?.task_results[i];
      if (r === undefined) return '–';
      return `${pct(r.success_rate)} (${r.successes}/${r.episodes}${r.errors > 0 ? `, ${r.errors} errors` : ''})`;
    };
    lines.push(`| ${t.task_id} | ${t.task_description} | ${cell(baseline)} | ${cell(rsd)} |${ranJacobi ? ` ${cell(jacobi)} |` : ''}${ranContinuous ? ` ${cell(continuous)} |` : ''}`);
  });
  lines.push('');
  const errors = input.records.filter((r) => r.status === 'error');
  if (errors.length > 0) {
    lines.push(`## Errors (${errors.length})`, '');
    for (const e of errors.slice(0, 50)) lines.push(`- ${e.mode} task ${e.task_id} trial ${e.trial}: ${e.error_code ?? ''} ${e.error ?? ''}`.replace(/\s+/g, ' '));
    lines.push('');
  }
  const videos = input.records.filter((r) => r.video !== undefined);
  if (videos.length > 0) {
    lines.push('## Videos', '');
    for (const v of videos) lines.push(`- [${v.video}](videos/${encodeURIComponent(v.video!)})`);
    lines.push('');
  }
  return lines.join('\n');
}
