import { readFile } from 'node:fs/promises';
import { cpus } from 'node:os';
import type { Acceptance } from '../acceptance.ts';
import type { DecodeMode } from '../decode/decode-plan.ts';
import { loadEngine as defaultLoadEngine, type LoadEngineOptions } from '../engine/load-engine.ts';
import type { DecodeResult, Observations, RsdEngine } from '../engine/rsd-engine.ts';
import { RsdError } from '../errors/rsd-error.ts';
import { decodeNpyInput } from './decode-npy-input.ts';
import { percentile } from '../stats/percentile.ts';
import { summarizeDepth, type DepthSummary } from '../stats/depth-summary.ts';
import { syntheticObservations } from '../testing/synthetic-observations.ts';

export interface BenchOptions {
  readonly bundle: string;
  /** Timed calls per configuration and batch size (default 40). */
  readonly iterations?: number;
  /** Untimed calls first (default 5). */
  readonly warmup?: number;
  readonly batches?: readonly number[];
  /** Relaxed tolerances to compare (default [1, 2]). */
  readonly tolerances?: readonly number[];
  readonly draftLayers?: number;
  /** Decoding modes to compare with baseline (default: rsd and jacobi; rsd only where the bundle has a draft). */
  readonly modes?: readonly DecodeMode[];
  /** `.npy` float32 [N, F] features for the decode-only runs (default: the backbone's features of synthetic observations). */
  readonly features?: string;
  readonly seed?: number;
  /** ONNX Runtime intra-op threads (default 1: one core, no contention between runs). */
  readonly intraOpNumThreads?: number;
}

export interface BenchDeps {
  readonly loadEngine?: (dir: string, options: LoadEngineOptions) => Promise<RsdEngine>;
  readonly log?: (line: string) => void;
}

interface Summary {
  readonly meanMs: number;
  readonly p50Ms: number;
  readonly p95Ms: number;
}

/** One configuration at one batch size. */
export interface BenchRow {
  readonly batch: number;
  readonly config: string;
  readonly mode: DecodeMode;
  readonly acceptance: Acceptance;
  /** Wall time of `predictFromFeatures` (draft, verify, autoregressive passes, RFSQ decode). */
  readonly decode: Summary;
  /** Wall time of `predict` (backbone included). */
  readonly endToEnd: Summary;
  /** Baseline mean / this mean, same batch. */
  readonly decodeSpeedup: number;
  readonly endToEndSpeedup: number;
  readonly acceptanceRate: number;
  readonly meanAcceptedLayers: number;
  readonly acceptanceByLayer: number[];
  readonly mainPassesPerCall: number;
  /** Pass histogram, layers decided per pass, acceptance by layer and source, position rejections. */
  readonly depth: DepthSummary;
  /**
   * The JavaScript work of one main pass (argmax and acceptance over C·H·L·K, proposals, tensor
   * wrapping): main-loop wall time minus main.onnx time, per pass, and as a fraction of one
   * main.onnx run (means over the decode-only calls).
   */
  readonly perPass: { readonly jsMs: number; readonly ortMainMs: number; readonly fractionOfMainPass: number };
  /** Engine wall time minus ONNX Runtime run time, per decode-only call. */
  readonly overhead: {
    readonly meanMs: number;
    readonly ortMeanMs: number;
    readonly fractionOfOrt: number;
    /** Medians over calls: robust to other processes preempting the run. */
    readonly p50Ms: number;
    readonly ortP50Ms: number;
    readonly fractionOfOrtP50: number;
  };
  /** Mean ms of each stage over the decode-only calls. */
  readonly stagesMs: Record<string, number>;
}

export interface BenchReport {
  readonly bundle: string;
  readonly name: string;
  readonly provenance: unknown;
  readonly dims: unknown;
  readonly draftLayers: number;
  readonly executionProviders: unknown;
  readonly iterations: number;
  readonly featuresSource: string;
  readonly host: { readonly cpus: number; readonly node: string; readonly intraOpNumThreads: number };
  readonly rows: BenchRow[];
}

const summary = (v: number[]): Summary => ({
  meanMs: v.reduce((a, b) => a + b, 0) / v.length,
  p50Ms: percentile(v, 0.5),
  p95Ms: percentile(v, 0.95),
});

function slice(obs: Observations, start: number, B: number): Observations {
  const s = { images: obs.images.slice(start, start + B), instructions: obs.instructions.slice(start, start + B) };
  return obs.proprio ? { ...s, proprio: obs.proprio.slice(start, start + B) } : s;
}

/**
 * `bench`: baseline vs RSD and Jacobi (exact, relaxed at each tolerance) at each batch size, in one run.
 * Configurations are interleaved call by call so that load from other processes hits them alike.
 */
export async function runBench(options: BenchOptions, deps: BenchDeps = {}): Promise<BenchReport> {
  const log = deps.log ?? (() => {});
  const iterations = options.iterations ?? 40;
  const warmup = options.warmup ?? 5;
  const batches = options.batches ?? [1, 8];
  const threads = options.intraOpNumThreads ?? 1;
  const engine = await (deps.loadEngine ?? defaultLoadEngine)(options.bundle, { log, intraOpNumThreads: threads, interOpNumThreads: 1 });
  try {
    const m = engine.manifest;
    const k = options.draftLayers ?? m.dims.k;
    const modes = (options.modes ?? (m.dims.k > 0 ? ['rsd', 'jacobi'] : ['jacobi'])).filter((x) => x !== 'baseline');
    if (modes.includes('rsd') && m.dims.k === 0) throw new RsdError('INVALID_OPTIONS', `--modes: ${options.bundle} has no draft.onnx, so rsd cannot run (use jacobi)`, { subject: 'modes' });
    const configs: { name: string; mode: DecodeMode; acceptance: Acceptance }[] = [
      { name: 'baseline', mode: 'baseline', acceptance: { kind: 'exact' } },
      ...modes.flatMap((mode) => [
        { name: `${mode} exact`, mode, acceptance: { kind: 'exact' } as Acceptance },
        ...(options.tolerances ?? [1, 2]).map((t) => ({ name: `${mode} relaxed:${t}`, mode, acceptance: { kind: 'relaxed' as const, tolerance: t } })),
      ]),
    ];
    const maxB = Math.max(...batches);
    const total = (iterations + warmup) * maxB;
    if (m.backbone.kind === 'external') {
      // the bench times backbone + decoding end to end; an external backbone runs elsewhere
      throw new RsdError('INVALID_OPTIONS', `bench: bundle ${options.bundle} has an external backbone (provider ${JSON.stringify(m.backbone.provider)}, no backbone.onnx), so there is no end-to-end time to measure here; eval-cli reports its decoding and the server's feature stage`, { subject: 'bundle' });
    }
    const obs = syntheticObservations(m, total, { seed: options.seed ?? 1001 });
    let features: Float32Array;
    let featuresSource: string;
    if (options.features) {
      const a = decodeNpyInput(new Uint8Array(await readFile(options.features)), options.features);
      if (a.dtype !== 'float32' || a.shape.length !== 2 || a.shape[1] !== m.dims.F || a.shape[0]! < 1) {
        throw new RsdError('INVALID_INPUT', `${options.features}: expected float32 [N, ${m.dims.F}]`, { subject: options.features });
      }
      const N = a.shape[0]!;
      features = Float32Array.from({ length: total * m.dims.F }, (_, i) => a.data[i % (N * m.dims.F)]!);
      featuresSource = options.features;
    } else {
      features = await engine.computeFeatures(obs);
      featuresSource = 'backbone(syntheticObservations)';
    }
    const rows: BenchRow[] = [];
    for (const B of batches) {
      const walls = configs.map(() => ({ decode: [] as number[], e2e: [] as number[] }));
      const stats = configs.map(() => [] as DecodeResult['stats'][]);
      for (let i = 0; i < iterations + warmup; i++) {
        const f = features.subarray(i * B * m.dims.F, (i + 1) * B * m.dims.F);
        const o = slice(obs, i * B, B);
        for (let c = 0; c < configs.length; c++) {
          const cfg = configs[c]!;
          const opts = { mode: cfg.mode, acceptance: cfg.acceptance, ...(cfg.mode === 'rsd' ? { draftLayers: k } : {}) };
          const t0 = performance.now();
          const r = await engine.predictFromFeatures(f, B, opts);
          const t1 = performance.now();
          await engine.predict(o, opts);
          const t2 = performance.now();
          if (i < warmup) continue;
          walls[c]!.decode.push(t1 - t0);
          walls[c]!.e2e.push(t2 - t1);
          stats[c]!.push(r.stats);
        }
      }
      const baseDecode = summary(walls[0]!.decode).meanMs;
      const baseE2e = summary(walls[0]!.e2e).meanMs;
      configs.forEach((cfg, c) => {
        const s = stats[c]!;
        const decode = summary(walls[c]!.decode);
        const endToEnd = summary(walls[c]!.e2e);
        const mean = (f: (x: DecodeResult['stats']) => number) => s.reduce((a, x) => a + f(x), 0) / s.length;
        const proposed = s.reduce((a, x) => a + x.proposedLayers, 0);
        const accepted = s.reduce((a, x) => a + x.fullyAccepted, 0);
        const items = s.reduce((a, x) => a + x.batch, 0);
        const overheadMs = mean((x) => x.timings.totalMs - x.timings.ortMs);
        const ortMs = mean((x) => x.timings.ortMs);
        const byLayer = Array.from({ length: cfg.mode === 'rsd' ? k : 0 }, (_, l) => s.reduce((a, x) => a + x.acceptedLayers.filter((v) => v > l).length, 0) / items);
        const passes = s.reduce((a, x) => a + x.mainPasses, 0);
        const jsMs = s.reduce((a, x) => a + x.timings.verifyMs + x.timings.autoregressiveMs - x.timings.ortMainMs, 0) / passes;
        const ortMainMs = s.reduce((a, x) => a + x.timings.ortMainMs, 0) / passes;
        rows.push({
          batch: B,
          config: cfg.name,
          mode: cfg.mode,
          acceptance: cfg.acceptance,
          decode,
          endToEnd,
          decodeSpeedup: baseDecode / decode.meanMs,
          endToEndSpeedup: baseE2e / endToEnd.meanMs,
          acceptanceRate: proposed === 0 ? 0 : accepted / proposed,
          meanAcceptedLayers: cfg.mode === 'rsd' ? accepted / items : 0,
          acceptanceByLayer: byLayer,
          mainPassesPerCall: mean((x) => x.mainPasses),
          depth: summarizeDepth(s, m.dims.L),
          perPass: { jsMs, ortMainMs, fractionOfMainPass: jsMs / ortMainMs },
          overhead: {
            meanMs: overheadMs,
            ortMeanMs: ortMs,
            fractionOfOrt: overheadMs / ortMs,
            p50Ms: percentile(s.map((x) => x.timings.totalMs - x.timings.ortMs), 0.5),
            ortP50Ms: percentile(s.map((x) => x.timings.ortMs), 0.5),
            fractionOfOrtP50: percentile(s.map((x) => x.timings.totalMs - x.timings.ortMs), 0.5) / percentile(s.map((x) => x.timings.ortMs), 0.5),
          },
          stagesMs: Object.fromEntries(['draftMs', 'verifyMs', 'autoregressiveMs', 'decodeMs', 'totalMs', 'ortMs', 'ortMainMs'].map((st) => [st, mean((x) => x.timings[st as 'totalMs'])])),
        });
        log(`rsd-engine bench: B=${B} ${cfg.name}: decode ${decode.meanMs.toFixed(3)} ms (x${(baseDecode / decode.meanMs).toFixed(2)}), accepted ${(proposed === 0 ? 0 : accepted / proposed).toFixed(3)}`);
      });
    }
    return {
      bundle: options.bundle,
      name: m.name,
      provenance: m.provenance,
      dims: m.dims,
      draftLayers: k,
      executionProviders: engine.executionProviders,
      iterations,
      featuresSource,
      host: { cpus: cpus().length, node: process.version, intraOpNumThreads: threads },
      rows,
    };
  } finally {
    await engine.close();
  }
}
