import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runDemos } from '../cli/demos-command.ts';
import { readDemoFile } from './demo-file-reader.ts';
import { quatToAxisAngle } from './demo-episode.ts';

describe('demonstration files', () => {
  const dirs: string[] = [];
  afterAll(async () => Promise.all(dirs.map((d) => rm(d, { recursive: true, force: true }))));

  it('writes LIBERO-layout HDF5 per task that reads back with instruction, actions and images', async () => {
    const out = await mkdtemp(join(tmpdir(), 'rsd-demos-'));
    dirs.push(out);
    const result = await runDemos({ suite: 'embedded_spatial', episodes: 2, out, tasks: [2], imageSize: 16, seed: 4 });
    expect(result.files).toHaveLength(1);
    const file = result.files[0]!;
    expect(file.path.endsWith('pick_up_the_black_bowl_from_table_center_and_place_it_on_the_plate_demo.hdf5')).toBe(true);
    const demo = await readDemoFile(file.path);
    expect(demo.problemInfo.language_instruction).toBe('pick up the black bowl from table center and place it on the plate');
    expect(demo.numDemos).toBe(2);
    expect(demo.demos).toHaveLength(2);
    expect(demo.total).toBe(file.total);
    expect(demo.imageConvention).toBe('opencv');
    expect([demo.height, demo.width]).toEqual([16, 16]);
    for (const ep of demo.demos) {
      const T = ep.actions.length / 7;
      expect(T).toBeGreaterThan(10);
      expect(ep.agentviewRgb).toHaveLength(T * 16 * 16 * 3);
      expect(ep.eePos).toHaveLength(T * 3);
      expect(ep.gripperStates).toHaveLength(T * 2);
      expect([...ep.actions].every((a) => a >= -1 && a <= 1)).toBe(true);
      expect(ep.dones[T - 1]).toBe(1);
      expect(ep.rewards.reduce((s, r) => s + r, 0)).toBe(1);
      expect(ep.initOrigin).toMatch(/^train:\d+$/);
      // the gripper closes (+1) at some point and opens (−1) again to release
      const grip = Array.from({ length: T }, (_, t) => ep.actions[7 * t + 6]!);
      expect(grip.indexOf(1)).toBeGreaterThan(0);
      expect(grip.lastIndexOf(-1)).toBeGreaterThan(grip.indexOf(1));
    }
    expect(demo.demos[0]!.initOrigin).not.toBe(demo.demos[1]!.initOrigin);
  });

  it('refuses another suite and an unknown task', async () => {
    await expect(runDemos({ suite: 'libero_spatial', episodes: 1, out: tmpdir() })).rejects.toMatchObject({ code: 'UNKNOWN_SUITE' });
    await expect(runDemos({ suite: 'embedded_spatial', episodes: 1, out: tmpdir(), tasks: [10] })).rejects.toMatchObject({ code: 'UNKNOWN_TASK' });
  });
});

describe('quatToAxisAngle', () => {
  it('matches robosuite: identity → 0, a quarter turn about z → [0, 0, π/2]', () => {
    expect(quatToAxisAngle(0, 0, 0, 1)).toEqual([0, 0, 0]);
    const [x, y, z] = quatToAxisAngle(0, 0, Math.SQRT1_2, Math.SQRT1_2);
    expect([x, y]).toEqual([0, 0]);
    expect(z).toBeCloseTo(Math.PI / 2, 12);
  });
});
