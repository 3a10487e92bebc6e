import { parseArgs } from 'node:util';
import { benchHeads, type HeadsBenchResult } from '../bench/heads-bench.ts';
import { validateHeadsConfig } from '../heads-config.ts';
import { numberFlag } from './parse-number-flag.ts';

export const BENCH_HELP = `heads bench — draft vs main latency per pass on ONNX Runtime CPU (random weights)

  npx nx run heads:bench [--F 1024] [--C 8] [--H 7] [--L 8] [--K 7] [--k 3] [--main-width 256]
                         [--main-depth 2] [--draft-width 128] [--draft-depth 2] [--batches 1,8]
                         [--iterations 300] [--warmup 30] [--threads 1] [--json]

Prints p50/p95/mean milliseconds per session.run of each head and main/draft (how many draft
passes one main pass costs). Run it on an idle machine; numbers vary with load.
`;

export interface BenchCommandOptions {
  readonly config: Record<string, number>;
  readonly batches: number[];
  readonly iterations: number;
  readonly warmup: number;
  readonly threads: number;
}

export function parseBenchArgs(args: string[]): { options: BenchCommandOptions; json: boolean; help: boolean } {
  const s = { type: 'string' } as const;
  const { values: v } = parseArgs({
    args,
    strict: true,
    options: {
      F: s,
      C: s,
      H: s,
      L: s,
      K: s,
      k: s,
      'main-width': s,
      'main-depth': s,
      'draft-width': s,
      'draft-depth': s,
      batches: s,
      iterations: s,
      warmup: s,
      threads: s,
      json: { type: 'boolean' },
      help: { type: 'boolean' },
    },
  });
  const batches = (v.batches ?? '1,8').split(',').map((b) => numberFlag(b, 'batches', 1, 'int', 1));
  return {
    options: {
      config: {
        F: numberFlag(v.F, 'F', 1024, 'int', 1),
        C: numberFlag(v.C, 'C', 8, 'int', 1),
        H: numberFlag(v.H, 'H', 7, 'int', 1),
        L: numberFlag(v.L, 'L', 8, 'int', 1),
        K: numberFlag(v.K, 'K', 7, 'int', 2),
        draftLayers: numberFlag(v.k, 'k', 3, 'int', 1),
        mainWidth: numberFlag(v['main-width'], 'main-width', 256, 'int', 1),
        mainDepth: numberFlag(v['main-depth'], 'main-depth', 2, 'int', 1),
        draftWidth: numberFlag(v['draft-width'], 'draft-width', 128, 'int', 1),
        draftDepth: numberFlag(v['draft-depth'], 'draft-depth', 2, 'int', 0),
      },
      batches,
      iterations: numberFlag(v.iterations, 'iterations', 300, 'int', 1),
      warmup: numberFlag(v.warmup, 'warmup', 30),
      threads: numberFlag(v.threads, 'threads', 1, 'int', 1),
    },
    json: v.json ?? false,
    help: v.help ?? false,
  };
}

/** Runs the bench (see BENCH_HELP). */
export async function runBench(options: BenchCommandOptions): Promise<HeadsBenchResult> {
  const cfg = validateHeadsConfig(options.config, 'bench flags');
  return benchHeads(cfg, {
    batches: options.batches,
    iterations: options.iterations,
    warmup: options.warmup,
    intraOpNumThreads: options.threads,
  });
}

/** Human-readable table of a bench result. */
export function formatBench(r: HeadsBenchResult): string {
  const c = r.config;
  const lines = [
    `heads bench: F=${c.F} C=${c.C} H=${c.H} L=${c.L} K=${c.K} k=${c.draftLayers}; main ${c.mainWidth}×${c.mainDepth} (${r.parameters.main} params), draft ${c.draftWidth}×${c.draftDepth} (${r.parameters.draft} params); ${r.runtime}, ${r.intraOpNumThreads} thread(s), ${r.iterations} runs`,
    'batch | draft p50 ms | main p50 ms | main/draft',
  ];
  for (const row of r.rows)
    lines.push(
      `${row.batch} | ${row.draft.p50.toFixed(3)} | ${row.main.p50.toFixed(3)} | ${row.mainOverDraft.toFixed(2)}`,
    );
  return `${lines.join('\n')}\n`;
}
