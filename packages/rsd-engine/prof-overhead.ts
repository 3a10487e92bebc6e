import { loadEngine } from './src/index.ts';
const engine = await loadEngine(process.argv[2]!, { log: () => {} });
const F = engine.manifest.dims.F;
const feats = new Float32Array(F).map((_, i) => Math.sin(i));
const opts = { mode: process.argv[3] as 'rsd' | 'baseline', acceptance: { kind: 'exact' as const } };
for (let i = 0; i < 200; i++) await engine.predictFromFeatures(feats, 1, opts);
let over = 0, ort = 0;
const N = 3000;
for (let i = 0; i < N; i++) {
  const r = await engine.predictFromFeatures(feats, 1, opts);
  over += r.stats.timings.totalMs - r.stats.timings.ortMs; ort += r.stats.timings.ortMs;
}
console.log(JSON.stringify({ overheadMs: over / N, ortMs: ort / N, frac: over / ort }));
await engine.close();
