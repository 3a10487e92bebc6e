// Mean per-call stage times (µs) of one decoding mode at batch 1, warm, on features from a .npy
// file: where the time of a call goes (draft, main-loop wall vs main.onnx time, RFSQ decode,
// what is left outside ONNX Runtime). Complements `bench`, which interleaves configurations.
// usage: npx tsx --conditions=@rsd/source tools/stage-profile.ts <bundle> <features.npy> [baseline|rsd|jacobi] [calls]
import { readFileSync } from 'node:fs';
import { decodeNpy } from '@rsd/rfsq';
import { loadEngine } from '../src/index.ts';

const [bundle, featuresFile, modeArg = 'rsd', callsArg = '4000'] = process.argv.slice(2);
if (bundle === undefined || featuresFile === undefined) throw new Error('usage: stage-profile.ts <bundle> <features.npy> [baseline|rsd|jacobi] [calls]');
const mode = modeArg as 'baseline' | 'rsd' | 'jacobi';
const engine = await loadEngine(bundle, { log: () => {}, executionProviders: ['cpu'], intraOpNumThreads: 1, interOpNumThreads: 1 });
const a = decodeNpy(new Uint8Array(readFileSync(featuresFile)));
const F = engine.manifest.dims.F;
if (a.dtype !== 'float32' || a.shape[1] !== F) throw new Error(`${featuresFile}: expected float32 [N, ${F}]`);
const N = a.shape[0]!;
const data = a.data as Float32Array;
const calls = Number(callsArg);
const warm = Math.min(300, Math.floor(calls / 10));
const sum: Record<string, number> = {};
for (let i = 0; i < calls; i++) {
  const r = await engine.predictFromFeatures(data.subarray((i % N) * F, ((i % N) + 1) * F), 1, { mode, acceptance: { kind: 'exact' } });
  if (i < warm) continue;
  const t = r.stats.timings;
  const add = (k: string, v: number) => (sum[k] = (sum[k] ?? 0) + v);
  add('draftUs', t.draftMs);
  add('mainLoopUs', t.verifyMs + t.autoregressiveMs);
  add('ortMainUs', t.ortMainMs);
  add('decodeUs', t.decodeMs);
  add('totalUs', t.totalMs);
  add('outsideOrtUs', t.totalMs - t.ortMs);
  add('mainPasses', r.stats.mainPasses / 1000);
}
const n = calls - warm;
const mean = Object.fromEntries(Object.entries(sum).map(([k, v]) => [k, +((1000 * v) / n).toFixed(1)]));
const jsPerPassUs = +((mean.mainLoopUs! - mean.ortMainUs!) / mean.mainPasses!).toFixed(1);
console.log(JSON.stringify({ bundle, mode, calls: n, ...mean, jsPerPassUs, jsPerPassFractionOfMainPass: +(jsPerPassUs / (mean.ortMainUs! / mean.mainPasses!)).toFixed(3) }));
await engine.close();
