/**
 * Writes test/fixtures/libero-mini.hdf5: 3 generated reach-and-grasp demos (seed 7) in LIBERO's
 * layout (data/demo_N/actions float64 [T,7], attributes total/env_args/num_samples).
 * Run: npx tsx --conditions=@rsd/source tools/write-loader-fixture.ts
 */
import { fileURLToPath } from 'node:url';
import { writeLiberoActions } from '../src/data/libero-hdf5.ts';
import { generateReachGraspEpisodes } from '../src/testing/reach-grasp-trajectories.ts';

const file = fileURLToPath(new URL('../test/fixtures/libero-mini.hdf5', import.meta.url));
const episodes = generateReachGraspEpisodes(3, 7);
await writeLiberoActions(file, episodes, 7);
console.log(`wrote ${file}: T = ${episodes.map((e) => e.T).join(', ')}`);
