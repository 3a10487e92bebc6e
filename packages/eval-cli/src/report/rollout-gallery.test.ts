import { describe, expect, it } from 'vitest';
import type { EvalMode } from '../config/eval-config.ts';
import { pickHighlights, rolloutGalleryHtml, type RolloutRecord } from './rollout-gallery.ts';

const rec = (mode: EvalMode, task: number, trial: number, success: boolean, status: 'ok' | 'error' = 'ok'): RolloutRecord => ({
  mode,
  task_id: task,
  trial,
  success,
  status,
  video: `${mode}-${task}-${trial}.gif`,
});
const GIF = (n: number) => new Uint8Array(n).fill(71);

describe('pickHighlights', () => {
  it('keeps the lowest-trial success and failure of each task and mode, never errors', () => {
    const records = [rec('rsd', 1, 4, true), rec('rsd', 1, 2, true), rec('rsd', 1, 3, false), rec('rsd', 1, 0, false, 'error'), rec('baseline', 0, 5, false), rec('baseline', 0, 1, false)];
    expect(pickHighlights(records).map((r) => `${r.task_id} ${r.mode} ${r.trial} ${r.success}`)).toEqual(['0 baseline 1 false', '1 rsd 2 true', '1 rsd 3 false']);
  });
});

describe('rolloutGalleryHtml', () => {
  it('embeds the highlights as data: GIFs and links every GIF', () => {
    const html = rolloutGalleryHtml([rec('rsd', 0, 0, true), rec('rsd', 0, 1, false), rec('rsd', 0, 2, false)], () => GIF(10));
    expect(html.match(/<img [^>]*src="data:image\/gif;base64,/g)).toHaveLength(2);
    expect(html).toContain('All 3 rollout GIFs');
    expect(html).toContain('href="videos/rsd-0-2.gif"');
  });

  it('keeps within the byte budget, successes first, and says what it left out', () => {
    const html = rolloutGalleryHtml([rec('rsd', 0, 0, false), rec('rsd', 1, 0, true)], () => GIF(600), 1000);
    expect(html.match(/<img /g)).toHaveLength(1);
    expect(html).toContain('alt="rsd, task 1, trial 0: success"');
    expect(html).toMatch(/1 more highlight over the/);
  });

  it('is empty without recorded rollouts', () => {
    expect(rolloutGalleryHtml([{ mode: 'rsd', task_id: 0, trial: 0, success: true, status: 'ok' }], () => GIF(1))).toBe('');
  });
});
