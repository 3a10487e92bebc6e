import type { EpisodeRecord } from '../results/episode-record.ts';
import { escapeXml } from './bar-chart-svg.ts';

/** What the gallery reads of an episode record. */
export type RolloutRecord = Pick<EpisodeRecord, 'mode' | 'task_id' | 'trial' | 'status' | 'success' | 'video'>;

/** Bytes of GIF the report embeds at most (base64 adds a third); the rest is linked. */
export const GALLERY_BUDGET_BYTES = 8 * 1024 * 1024;

/**
 * The first success and the first failure (lowest trial) of each task and mode among the
 * episodes that have a GIF, ordered by task, then mode, success first. Errors are not shown.
 */
export function pickHighlights<R extends RolloutRecord>(records: readonly R[]): R[] {
  const first = new Map<string, R>();
  for (const r of records) {
    if (r.video === undefined || r.status === 'error') continue;
    const key = `${r.task_id}\u0000${r.mode}\u0000${r.success}`;
    const seen = first.get(key);
    if (seen === undefined || r.trial < seen.trial) first.set(key, r);
  }
  return [...first.values()].sort((a, b) => a.task_id - b.task_id || a.mode.localeCompare(b.mode) || Number(b.success) - Number(a.success));
}

/**
 * The report's rollout section: the highlights embedded as `data:` GIFs (self-contained page)
 * while they fit `budgetBytes`, then links to every GIF under videos/.
 * readGif: the bytes of videos/<name>, undefined when the file is gone.
 */
export function rolloutGalleryHtml(records: readonly RolloutRecord[], readGif: (name: string) => Uint8Array | undefined, budgetBytes = GALLERY_BUDGET_BYTES): string {
  const videos = records.filter((r) => r.video !== undefined);
  if (videos.length === 0) return '';
  const e = escapeXml;
  // successes (the rarer, telling ones) claim the budget first, then failures; shown in task order
  const highlights = pickHighlights(records);
  const embedded = new Map<RolloutRecord, Uint8Array>();
  let used = 0;
  for (const r of [...highlights.filter((h) => h.success), ...highlights.filter((h) => !h.success)]) {
    const gif = readGif(r.video!);
    if (gif === undefined || used + gif.length > budgetBytes) continue;
    used += gif.length;
    embedded.set(r, gif);
  }
  const skipped = highlights.filter((r) => !embedded.has(r));
  const figures: string[] = [];
  for (const r of highlights) {
    const gif = embedded.get(r);
    if (gif === undefined) continue;
    const outcome = r.success ? 'success' : 'failure';
    figures.push(
      `<figure class="rollout"><img alt="${e(`${r.mode}, task ${r.task_id}, trial ${r.trial}: ${outcome}`)}" src="data:image/gif;base64,${Buffer.from(gif).toString('base64')}"><figcaption>task ${r.task_id} · ${e(r.mode)} · trial ${r.trial} · <b class="${outcome}">${outcome}</b></figcaption></figure>`,
    );
  }
  const note = skipped.length === 0 ? '' : `<p><small>${skipped.length} more highlight${skipped.length === 1 ? '' : 's'} over the ${(budgetBytes / 2 ** 20).toFixed(0)} MiB embedding budget or missing: linked below.</small></p>`;
  const links = `<details><summary>All ${videos.length} rollout GIF${videos.length === 1 ? '' : 's'} (videos/)</summary><ul>${videos.map((v) => `<li><a href="videos/${encodeURIComponent(v.video!)}">${e(v.video!)}</a></li>`).join('')}</ul></details>`;
  return `<h2>Rollouts</h2>
<p>First success and first failure of each task and mode.</p>
<div class="rollouts">${figures.join('')}</div>
${note}${links}`;
}
