import { appendFileSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { fakeRecord } from '../testing/fake-record.ts';
import { EpisodeLogWriter, readEpisodeLog } from './episode-log.ts';

const tmp = () => join(mkdtempSync(join(tmpdir(), 'eval-log-')), 'episodes.jsonl');

describe('episodes.jsonl', () => {
  it('reads back what was appended, one line per record', () => {
    const path = tmp();
    const w = new EpisodeLogWriter(path);
    w.append(fakeRecord({ trial: 0 }));
    w.append(fakeRecord({ trial: 1, success: true }));
    w.close();
    expect(readFileSync(path, 'utf8').split('\n')).toHaveLength(3);
    expect(readEpisodeLog(path).map((r) => [r.trial, r.success])).toEqual([
      [0, false],
      [1, true],
    ]);
  });

  it('drops and repairs a half-written last line (a killed writer)', () => {
    const path = tmp();
    writeFileSync(path, `${JSON.stringify(fakeRecord({ trial: 0 }))}\n{"mode":"rsd","task_`);
    expect(readEpisodeLog(path)).toHaveLength(1);
    expect(readFileSync(path, 'utf8').endsWith('\n')).toBe(false);
    readEpisodeLog(path, { repair: true });
    expect(readFileSync(path, 'utf8').endsWith('}\n')).toBe(true);
    appendFileSync(path, `${JSON.stringify(fakeRecord({ trial: 1 }))}\n`);
    expect(readEpisodeLog(path)).toHaveLength(2);
  });

  it('refuses a broken line in the middle, naming the line', () => {
    const path = tmp();
    writeFileSync(path, `${JSON.stringify(fakeRecord({}))}\nnot json\n${JSON.stringify(fakeRecord({ trial: 2 }))}\n`);
    expect(() => readEpisodeLog(path)).toThrow(/:2: not valid JSON/);
  });

  it('refuses a record that claims success with status error', () => {
    const path = tmp();
    writeFileSync(path, `${JSON.stringify({ ...fakeRecord({}), status: 'error', success: true, error: 'x' })}\n`);
    expect(() => readEpisodeLog(path)).toThrow(/cannot be a success/);
  });

  it('keeps the latest record of an episode (a retried error)', () => {
    const path = tmp();
    const w = new EpisodeLogWriter(path);
    w.append(fakeRecord({ trial: 4, status: 'error', error: 'bridge died' }));
    w.append(fakeRecord({ trial: 4, success: true }));
    w.close();
    const rs = readEpisodeLog(path);
    expect(rs).toHaveLength(1);
    expect(rs[0]!.status).toBe('ok');
  });
});
