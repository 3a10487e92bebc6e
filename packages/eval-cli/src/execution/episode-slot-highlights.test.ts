import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { planEpisodes } from '../protocol/episode-job.ts';
import type { EpisodeRecord } from '../results/episode-record.ts';
import { CountingPolicy, ScriptedEnv } from '../testing/scripted-env.ts';
import { EpisodeSlot } from './episode-slot.ts';
import { InProcessExecutor } from './in-process-executor.ts';

const protocol = { suite: 'embedded_spatial', maxSteps: 8, waitSteps: 2, executeSteps: 8 };
const dirs: string[] = [];
afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

describe('EpisodeSlot highlights (--video highlights, the default)', () => {
  it('writes the GIF of the first success and the first failure of each task and mode only', async () => {
    const videoDir = join(mkdtempSync(join(tmpdir(), 'slot-highlights-')), 'videos');
    dirs.push(videoDir);
    let episode = 0;
    // four episodes of one task and mode: one GIF per outcome seen (success and/or failure), not four
    const slot = new EpisodeSlot(
      { createEnv: async () => new ScriptedEnv({ successAt: 4 }), createPolicy: async () => new CountingPolicy() },
      protocol,
      { videoDir, highlights: true },
    );
    const jobs = planEpisodes({ modes: ['baseline'], tasks: [0], trials: 4, seed: 7, video: 0 });
    const records: EpisodeRecord[] = [];
    await new InProcessExecutor([slot]).runAll(jobs, (r) => {
      records.push(r);
      episode++;
    });
    expect(episode).toBe(4);
    const written = records.filter((r) => r.video !== undefined);
    expect(written).toHaveLength(new Set(records.map((r) => r.success)).size);
    expect(readdirSync(videoDir).sort()).toEqual(written.map((r) => r.video).sort());
  });
});
