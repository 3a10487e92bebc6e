import { describe, expect, it } from 'vitest';
import type { EvalMode, RunIdentity } from '../config/eval-config.ts';
import type { EpisodeRecord } from '../results/episode-record.ts';
import { buildModeResults } from '../results/mode-results.ts';
import { buildPerformanceComparison } from '../results/performance-comparison.ts';
import { fakeRecord } from '../testing/fake-record.ts';
import { reportHtml } from './report-html.ts';
import type { ReportInput } from './report-input.ts';
import { reportMarkdown } from './report-markdown.ts';

const tasks = [
  { id: 0, description: 'task zero' },
  { id: 1, description: 'task one' },
];
const ctx = { suite: 'embedded_spatial', acceptance: 'exact', tasks };
const identity = (modes: EvalMode[]): RunIdentity => ({
  suite: 'embedded_spatial',
  envKind: 'embedded',
  bundleSha256: 'ab'.repeat(32),
  modes,
  acceptance: 'exact',
  draftLayers: undefined,
  trials: 2,
  tasks: [0, 1],
  seed: 7,
  maxSteps: 220,
  waitSteps: 10,
  executeSteps: 8,
  ensemble: 'none',
  initStates: 'fixed',
});
const tokenRecords: EpisodeRecord[] = [0, 1].flatMap((task_id) =>
  [0, 1].flatMap((trial) => [
    fakeRecord({ task_id, trial, success: trial === 0, task_description: tasks[task_id]!.description }),
    fakeRecord({ mode: 'rsd', task_id, trial, success: trial === 0, inference_ms: [1, 2], task_description: tasks[task_id]!.description }),
  ]),
);
const continuousRecords: EpisodeRecord[] = [0, 1].flatMap((task_id) =>
  [0, 1].map((trial) => fakeRecord({ mode: 'continuous', task_id, trial, success: true, inference_ms: [1, 1], tokens_sha256: '', task_description: tasks[task_id]!.description })),
);

function input(modes: EvalMode[], records: readonly EpisodeRecord[]): ReportInput {
  const of = (m: EvalMode) => (modes.includes(m) ? buildModeResults(m, records, ctx) : null);
  const [baseline, rsd, jacobi, continuous] = [of('baseline'), of('rsd'), of('jacobi'), of('continuous')];
  const comparison = buildPerformanceComparison({ baseline, rsd, jacobi, continuous }, records, ctx);
  return { identity: identity(modes), env: 'embedded', bundleDir: '/b', bundleName: 'b', startedAt: '2026-01-01T00:00:00Z', baseline, rsd, jacobi, continuous, comparison, records };
}

describe('reports with the continuous mode', () => {
  it('add a continuous row, a per-task column and the tokenization cost line when it ran', () => {
    const i = input(['baseline', 'rsd', 'continuous'], [...tokenRecords, ...continuousRecords]);
    const md = reportMarkdown(i);
    expect(md).toMatch(/^\| continuous \| 100\.0 % \[.*\] \| 4\/4 \| 0 \| /m);
    expect(md).toContain('| task | instruction | baseline | rsd | continuous |');
    expect(md).toContain('| 1 | task one | 50.0 % (1/2) | 50.0 % (1/2) | 100.0 % (2/2) |');
    // paired on 4 episodes: baseline succeeded in trial 0 only, continuous in both
    expect(md).toContain('Tokenization cost (continuous head vs token baseline, paired on 4 episodes of the same task and trial): continuous 100.0 % vs baseline 50.0 %, tokenization costs 50.0 pp of success');
    expect(md).toContain('only continuous succeeded 2, only baseline 0, both 2, neither 0');
    // the RSD comparison is untouched: rsd vs baseline still pairs 4 episodes with identical tokens
    expect(md).toContain('4 episodes ran in both modes: both succeeded 2, only baseline 0, only RSD 0, neither 2; identical token streams in 4.');
    const html = reportHtml(i);
    expect(html).toContain('<tr><td>continuous</td><td>100.0 %');
    expect(html).toContain('<th>continuous</th>');
    expect(html).toContain('<p class="tokenization">Tokenization cost (continuous head vs token baseline, paired on 4 episodes');
  });

  it('say so when continuous ran without a token baseline to pair with', () => {
    const i = input(['rsd', 'continuous'], [...tokenRecords, ...continuousRecords]);
    expect(reportMarkdown(i)).toContain('Tokenization cost: no token baseline in this run');
  });

  it('are unchanged when continuous did not run', () => {
    const i = input(['baseline', 'rsd'], tokenRecords);
    const md = reportMarkdown(i);
    const html = reportHtml(i);
    for (const text of [md, html]) {
      expect(text).not.toMatch(/continuous|Tokenization/i);
    }
    // continuous records in the log of a run that did not ask for the mode are ignored too
    const withStray = input(['baseline', 'rsd'], [...tokenRecords, ...continuousRecords]);
    expect(reportMarkdown({ ...withStray, records: tokenRecords })).toBe(md);
  });
});
