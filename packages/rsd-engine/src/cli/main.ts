import { parseArgs } from 'node:util';
import { RsdError } from '../errors/rsd-error.ts';
import { runBench, type BenchReport } from './bench-command.ts';
import { runPredict } from './predict-command.ts';
import { userPath } from './user-path.ts';

const HELP: Record<string, string> = {
  '': `rsd-engine <command> [options]

Commands:
  predict   decode features from a .npy file with a model bundle
  bench     baseline vs RSD speed on a bundle (JSON report)

Run "rsd-engine <command> --help" for a command's options.`,
  predict: `rsd-engine predict --bundle <dir> --features <file.npy> --out <dir> [options]

  --bundle <dir>          model bundle (manifest.json + five ONNX files)
  --features <file.npy>   float32 [N, F] features (float64 is converted)
  --mode baseline|rsd|jacobi   default rsd (jacobi: no draft, main verifies its own guesses)
  --acceptance <rule>     exact | relaxed:<t>[,<t1>,...] | sample:<T>:<seed>   (default exact)
  --draft-layers <k>      1..manifest k (default manifest k)
  --bs <n>                rows per engine call (default 8); --batch-size is the same flag, but
                          through "npx nx run" Nx takes --batch-size for itself: write --bs there
  --out <dir>             writes tokens.npy int32 [N,C,H,L], actions.npy float32 [N,C,A], stats.json
  --cpu                   only the cpu execution provider (default: cuda, then cpu)
  --threads <n>           ONNX Runtime intra-op threads
  --json                  print the result as JSON`,
  bench: `rsd-engine bench --bundle <dir> [options]

  --bundle <dir>          model bundle
  --iterations <n>        timed calls per configuration and batch size (default 40)
  --warmup <n>            untimed calls first (default 5)
  --batches <list>        batch sizes, comma-separated (default 1,8)
  --tolerances <list>     relaxed tolerances to compare (default 1,2)
  --modes <list>          modes compared with baseline: rsd,jacobi (default both; jacobi only without a draft)
  --draft-layers <k>      default manifest k
  --features <file.npy>   float32 [N, F] for the decode-only runs (default: backbone of synthetic observations)
  --threads <n>           ONNX Runtime intra-op threads (default 1)
  --seed <n>              observation seed (default 1001)
  --json                  print the report as JSON (default: a table)`,
};

/** Exit codes: 0 ok, 1 runtime/model error, 2 usage error. */
function exitCodeOf(error: unknown): number {
  if (RsdError.isInstance(error)) return error.code === 'INVALID_OPTIONS' ? 2 : 1;
  if (error instanceof TypeError || error instanceof RangeError) return 2;
  return 1;
}

function int(name: string, v: string | undefined): number | undefined {
  if (v === undefined) return undefined;
  const n = Number(v);
  if (!Number.isInteger(n)) throw new RsdError('INVALID_OPTIONS', `--${name} must be an integer, got "${v}"`, { subject: name });
  return n;
}

function list(name: string, v: string | undefined): number[] | undefined {
  return v === undefined ? undefined : v.split(',').map((x) => int(name, x)!);
}

function table(report: BenchReport): string {
  const lines = [`bundle ${report.name} (${report.bundle}), k = ${report.draftLayers}, ${report.iterations} calls each, features: ${report.featuresSource}`];
  lines.push('batch  config             decode ms (p50)   speedup  e2e ms   speedup  accept  main/call  overhead  js/pass');
  for (const r of report.rows) {
    lines.push(
      [
        String(r.batch).padEnd(6),
        r.config.padEnd(18),
        `${r.decode.meanMs.toFixed(3)} (${r.decode.p50Ms.toFixed(3)})`.padEnd(17),
        `x${r.decodeSpeedup.toFixed(2)}`.padEnd(8),
        r.endToEnd.meanMs.toFixed(3).padEnd(8),
        `x${r.endToEndSpeedup.toFixed(2)}`.padEnd(8),
        r.acceptanceRate.toFixed(3).padEnd(7),
        r.mainPassesPerCall.toFixed(2).padEnd(10),
        `${(100 * r.overhead.fractionOfOrt).toFixed(1)}%`.padEnd(9),
        `${(100 * r.perPass.fractionOfMainPass).toFixed(1)}%`,
      ].join(' '),
    );
  }
  return lines.join('\n');
}

async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  if (command === undefined || command === '--help' || command === '-h') {
    process.stdout.write(`${HELP['']}\n`);
    return command === undefined ? 2 : 0;
  }
  if (!(command in HELP) || command === '') {
    process.stderr.write(`unknown command "${command}"\n${HELP['']}\n`);
    return 2;
  }
  const { values } = parseArgs({
    args: rest,
    strict: true,
    options: {
      help: { type: 'boolean', short: 'h' },
      json: { type: 'boolean' },
      bundle: { type: 'string' },
      features: { type: 'string' },
      mode: { type: 'string' },
      acceptance: { type: 'string' },
      'draft-layers': { type: 'string' },
      'batch-size': { type: 'string' },
      bs: { type: 'string' },
      out: { type: 'string' },
      cpu: { type: 'boolean' },
      threads: { type: 'string' },
      iterations: { type: 'string' },
      warmup: { type: 'string' },
      batches: { type: 'string' },
      tolerances: { type: 'string' },
      modes: { type: 'string' },
      seed: { type: 'string' },
    },
  });
  if (values.help) {
    process.stdout.write(`${HELP[command]}\n`);
    return 0;
  }
  const log = (line: string) => process.stderr.write(`${line}\n`);
  const need = (name: 'bundle' | 'features' | 'out') => {
    const v = values[name];
    if (v === undefined) throw new RsdError('INVALID_OPTIONS', `--${name} is required (see --help)`, { subject: name });
    return userPath(v);
  };
  if (command === 'predict') {
    const mode = values.mode ?? 'rsd';
    if (mode !== 'baseline' && mode !== 'rsd' && mode !== 'jacobi') throw new RsdError('INVALID_OPTIONS', `--mode must be baseline, rsd or jacobi, got "${mode}"`, { subject: 'mode' });
    const draftLayers = int('draft-layers', values['draft-layers']);
    if (values['batch-size'] !== undefined && values.bs !== undefined && values['batch-size'] !== values.bs)
      throw new RsdError('INVALID_OPTIONS', `--batch-size ${values['batch-size']} and --bs ${values.bs} disagree`, { subject: 'bs' });
    const batchSize = values.bs === undefined ? int('batch-size', values['batch-size']) : int('bs', values.bs);
    const threads = int('threads', values.threads);
    const result = await runPredict(
      {
        bundle: need('bundle'),
        features: need('features'),
        out: need('out'),
        mode,
        acceptance: values.acceptance ?? 'exact',
        ...(draftLayers === undefined ? {} : { draftLayers }),
        ...(batchSize === undefined ? {} : { batchSize }),
        ...(threads === undefined ? {} : { intraOpNumThreads: threads }),
        ...(values.cpu ? { executionProviders: ['cpu'] as const } : {}),
      },
      { log },
    );
    if (values.json) process.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
    else process.stdout.write(`decoded ${result.n} rows: ${result.files.tokens}, ${result.files.actions}, ${result.files.stats}\n`);
    return 0;
  }
  const iterations = int('iterations', values.iterations);
  const warmup = int('warmup', values.warmup);
  const draftLayers = int('draft-layers', values['draft-layers']);
  const threads = int('threads', values.threads);
  const seed = int('seed', values.seed);
  const batches = list('batches', values.batches);
  const tolerances = list('tolerances', values.tolerances);
  const modes = values.modes?.split(',').map((x) => {
    if (x !== 'rsd' && x !== 'jacobi') throw new RsdError('INVALID_OPTIONS', `--modes lists "${x}"; expected rsd and/or jacobi`, { subject: 'modes' });
    return x;
  });
  const report = await runBench(
    {
      bundle: need('bundle'),
      ...(iterations === undefined ? {} : { iterations }),
      ...(warmup === undefined ? {} : { warmup }),
      ...(draftLayers === undefined ? {} : { draftLayers }),
      ...(threads === undefined ? {} : { intraOpNumThreads: threads }),
      ...(seed === undefined ? {} : { seed }),
      ...(batches === undefined ? {} : { batches }),
      ...(tolerances === undefined ? {} : { tolerances }),
      ...(modes === undefined ? {} : { modes }),
      ...(values.features === undefined ? {} : { features: userPath(values.features) }),
    },
    { log },
  );
  process.stdout.write(values.json ? `${JSON.stringify(report, null, 2)}\n` : `${table(report)}\n`);
  return 0;
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    const code = exitCodeOf(error);
    const what = RsdError.isInstance(error) ? `${error.code}: ${error.message}` : error instanceof Error ? error.message : String(error);
    process.stderr.write(`rsd-engine: ${what}\n`);
    process.exitCode = code;
  },
);
