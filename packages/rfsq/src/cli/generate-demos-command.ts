import { mkdirSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { writeLiberoActions } from '../data/libero-hdf5.ts';
import { generateReachGraspEpisodes } from '../testing/reach-grasp-trajectories.ts';

export const GENERATE_DEMOS_HELP = `rfsq generate-demos — write seeded smooth reach-and-grasp demos in LIBERO's HDF5 layout

Usage: npx nx run rfsq:generate-demos --out <file.hdf5> [--episodes 50] [--seed 0] [--json]

Writes data/demo_N/actions float64 [T,7] (dx dy dz droll dpitch dyaw gripper), a stand-in
for expert demonstrations (see src/testing/reach-grasp-trajectories.ts).
`;

export interface GenerateDemosOptions {
  readonly out: string;
  readonly episodes: number;
  readonly seed: number;
}

/** Writes the generated demos; returns the file and its size in steps. */
export async function runGenerateDemos(options: GenerateDemosOptions): Promise<{ file: string; episodes: number; steps: number }> {
  if (options.out === '') throw new RangeError('--out is required');
  const episodes = generateReachGraspEpisodes(options.episodes, options.seed);
  const file = resolve(options.out);
  mkdirSync(dirname(file), { recursive: true });
  await writeLiberoActions(file, episodes, 7);
  return { file, episodes: episodes.length, steps: episodes.reduce((n, e) => n + e.T, 0) };
}
