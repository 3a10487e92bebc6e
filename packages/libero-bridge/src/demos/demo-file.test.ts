import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';
import { afterAll, describe, expect, it } from 'vitest';
import { runDemos } from '../cli/demos-command.ts';
import { readDemoFile } from './demo-file-reader.ts';
import { quatToAxisAngle } from './demo-episode.ts';

/** A python3 that can import h5py, if this machine has one. */
const H5PY = ['python3', '/usr/bin/python3'].find((exe) => spawnSync(exe, ['-c', 'import h5py'], { stdio: 'ignore' }).status === 0);

const H5PY_READ = `
import h5py, json, sys
f = h5py.File(sys.argv[1], 'r')
data = f['data']
d = data['demo_0']
print(json.dumps({
  'instruction': json.loads(data.attrs['problem_info'])['language_instruction'],
  'num_demos': int(data.attrs['num_demos']), 'total': int(data.attrs['total']),
  'demos': sorted(k for k in data.keys()),
  'actions': [*d['actions'].shape, str(d['actions'].dtype)],
  'image': [*d['obs/agentview_rgb'].shape, str(d['obs/agentview_rgb'].dtype)],
  'num_samples': int(d.attrs['num_samples']),
  'first_action': [float(v) for v in d['actions'][0]],
}))
`;

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

    // h5py, as LIBERO's loaders use it (runs only where some python3 has h5py)
    if (H5PY === undefined) return;
    const py = spawnSync(H5PY, ['-c', H5PY_READ, file.path], { encoding: 'utf8' });
    expect(py.status, py.stderr).toBe(0);
    const seen = JSON.parse(py.stdout) as Record<string, unknown>;
    expect(seen).toEqual({
      instruction: 'pick up the black bowl from table center and place it on the plate',
      num_demos: 2,
      total: file.total,
      demos: ['demo_0', 'demo_1'],
      actions: [demo.demos[0]!.actions.length / 7, 7, 'float64'],
      image: [demo.demos[0]!.actions.length / 7, 16, 16, 3, 'uint8'],
      num_samples: demo.demos[0]!.actions.length / 7,
      first_action: [...demo.demos[0]!.actions.subarray(0, 7)],
    });
  });

  it('records the same demos whether tasks run in this thread or in two worker threads', async () => {
    const one = await mkdtemp(join(tmpdir(), 'rsd-demos-1-'));
    const two = await mkdtemp(join(tmpdir(), 'rsd-demos-2-'));
    dirs.push(one, two);
    const options = { suite: 'embedded_spatial', episodes: 1, tasks: [9, 1], imageSize: 8, seed: 2 };
    const a = await runDemos({ ...options, out: one });
    const b = await runDemos({ ...options, out: two, workers: 2 });
    expect(b.files.map((f) => f.taskId)).toEqual([9, 1]);
    for (let i = 0; i < 2; i++) {
      const [x, y] = await Promise.all([readDemoFile(a.files[i]!.path), readDemoFile(b.files[i]!.path)]);
      expect(Buffer.from(y.demos[0]!.agentviewRgb).equals(Buffer.from(x.demos[0]!.agentviewRgb))).toBe(true);
      expect([...y.demos[0]!.actions]).toEqual([...x.demos[0]!.actions]);
      expect([...y.demos[0]!.states]).toEqual([...x.demos[0]!.states]);
    }
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
