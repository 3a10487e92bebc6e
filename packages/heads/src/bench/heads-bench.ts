import * as ort from 'onnxruntime-node';
import { exportDraftOnnx } from '../export/export-draft-onnx.ts';
import { exportMainOnnx } from '../export/export-main-onnx.ts';
import type { HeadsConfig } from '../heads-config.ts';
import { draftParameterSpecs, mainParameterSpecs } from '../model/head-parameters.ts';
import { randomHeadWeights } from '../testing/random-head-weights.ts';
import { SeededRandom } from '../testing/seeded-random.ts';

/** Latency of one `session.run` in milliseconds. */
export interface LatencyStats {
  readonly p50: number;
  readonly p95: number;
  readonly mean: number;
}

export interface HeadsBenchRow {
  readonly batch: number;
  readonly draft: LatencyStats;
  readonly main: LatencyStats;
  /** main p50 / draft p50: how many draft passes one main pass costs. */
  readonly mainOverDraft: number;
}

export interface HeadsBenchResult {
  readonly config: HeadsConfig;
  readonly parameters: { readonly draft: number; readonly main: number };
  readonly runtime: string;
  readonly intraOpNumThreads: number;
  readonly iterations: number;
  readonly rows: readonly HeadsBenchRow[];
}

function stats(ms: number[]): LatencyStats {
  const s = [...ms].sort((a, b) => a - b);
  const q = (p: number) => s[Math.min(s.length - 1, Math.floor(p * s.length))]!;
  return { p50: q(0.5), p95: q(0.95), mean: s.reduce((a, b) => a + b, 0) / s.length };
}

async function time(
  run: () => Promise<unknown>,
  warmup: number,
  iterations: number,
  now: () => number,
): Promise<number[]> {
  for (let i = 0; i < warmup; i++) await run();
  const out: number[] = [];
  for (let i = 0; i < iterations; i++) {
    const t0 = now();
    await run();
    out.push(now() - t0);
  }
  return out;
}

/**
 * Draft vs main latency per pass on ONNX Runtime CPU (random weights of `cfg`), at each batch
 * size. Draft and main runs alternate per batch size so both see the same machine load.
 */
export async function benchHeads(
  cfg: HeadsConfig,
  options: {
    batches: readonly number[];
    iterations: number;
    warmup: number;
    intraOpNumThreads: number;
    now?: () => number;
  },
): Promise<HeadsBenchResult> {
  const now = options.now ?? (() => performance.now());
  const w = randomHeadWeights(cfg, 0);
  const sessionOptions: ort.InferenceSession.SessionOptions = {
    executionProviders: ['cpu'],
    intraOpNumThreads: options.intraOpNumThreads,
    interOpNumThreads: 1,
    graphOptimizationLevel: 'all',
  };
  const draft = await ort.InferenceSession.create(exportDraftOnnx(cfg, w.draft), sessionOptions);
  const main = await ort.InferenceSession.create(exportMainOnnx(cfg, w.main), sessionOptions);
  const rng = new SeededRandom(1);
  const rows: HeadsBenchRow[] = [];
  try {
    for (const B of options.batches) {
      const features = new ort.Tensor('float32', rng.floats(B * cfg.F, -1, 1), [B, cfg.F]);
      const tokens = new ort.Tensor(
        'int64',
        BigInt64Array.from({ length: B * cfg.C * cfg.H * cfg.L }, () => BigInt(rng.int(cfg.K))),
        [B, cfg.C, cfg.H, cfg.L],
      );
      const d = await time(() => draft.run({ features }), options.warmup, options.iterations, now);
      const m = await time(() => main.run({ features, tokens }), options.warmup, options.iterations, now);
      const ds = stats(d);
      const ms = stats(m);
      rows.push({ batch: B, draft: ds, main: ms, mainOverDraft: ms.p50 / ds.p50 });
    }
  } finally {
    await draft.release();
    await main.release();
  }
  const count = (specs: { shape: readonly number[] }[]) =>
    specs.reduce((a, s) => a + s.shape.reduce((x, y) => x * y, 1), 0);
  return {
    config: cfg,
    parameters: { draft: count(draftParameterSpecs(cfg)), main: count(mainParameterSpecs(cfg)) },
    runtime: `onnxruntime-node ${ort.env.versions.common} (cpu)`,
    intraOpNumThreads: options.intraOpNumThreads,
    iterations: options.iterations,
    rows,
  };
}
