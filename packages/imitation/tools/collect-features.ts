// Backbone features of a bundle's baseline policy, closed loop from training-distribution states
// (seed stream of --seed), saved as float32 [N, F] .npy: held-out inputs for
// `npx nx run rsd-engine:bench --features <file>` when --seed differs from the draft's.
// usage: npx tsx --conditions=@rsd/source tools/collect-features.ts --bundle <dir> --out <f.npy> [--episodes 2] [--seed 99]
import { writeFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { validateBundleManifest } from '@rsd/heads';
import { encodeNpy } from '@rsd/rfsq';
import { readFileSync } from 'node:fs';
import { collectOnPolicyFeatures } from '../src/collect-onpolicy-features.ts';

const { values: v } = parseArgs({
  options: { bundle: { type: 'string' }, out: { type: 'string' }, episodes: { type: 'string' }, seed: { type: 'string' } },
});
if (v.bundle === undefined || v.out === undefined) throw new Error('--bundle <dir> and --out <file.npy> are required');
const bundle = resolve(v.bundle);
const m = validateBundleManifest(JSON.parse(readFileSync(`${bundle}/manifest.json`, 'utf8')));
if (m.execution === undefined) throw new Error(`${bundle}/manifest.json has no execution block`);
const r = await collectOnPolicyFeatures(
  bundle,
  { tasks: [0, 1, 2, 3, 4, 5, 6, 7, 8, 9], episodesPerTask: Number(v.episodes ?? 2), seed: Number(v.seed ?? 99), maxSteps: 220, execution: m.execution },
  (line) => process.stderr.write(`${line}\n`),
);
await writeFile(resolve(v.out), encodeNpy({ dtype: 'float32', shape: [r.N, m.dims.F], data: r.features }));
process.stderr.write(`wrote ${r.N} feature rows (${r.successes}/${r.episodes} episodes succeeded) to ${resolve(v.out)}\n`);
