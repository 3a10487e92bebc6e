import { parseArgs } from 'node:util';
import { userPath } from './user-path.ts';
import { EvalError } from '../errors/eval-error.ts';

/** The `eval` command's flags as given on the command line (absent = not given). */
export interface EvalFlags {
  readonly suite?: string;
  readonly env?: string;
  readonly bundle?: string;
  readonly mode?: string;
  readonly acceptance?: string;
  readonly draftLayers?: string;
  readonly trials?: string;
  readonly tasks?: string;
  readonly seed?: string;
  readonly maxSteps?: string;
  readonly waitSteps?: string;
  readonly executeSteps?: string;
  readonly ensemble?: string;
  readonly initStates?: string;
  readonly renderSize?: string;
  readonly features?: string;
  readonly featuresConfig?: string;
  readonly workers?: string;
  readonly attempts?: string;
  readonly serverWait?: string;
  readonly out?: string;
  readonly resume?: string;
  readonly video?: string;
  readonly threads?: string;
  readonly json?: boolean;
  readonly help?: boolean;
}

export const EVAL_HELP = `usage: rsd-eval eval [flags]        (npx nx run eval-cli:eval -- [flags])

Evaluates a policy bundle in LIBERO's protocol, baseline vs RSD, and writes
episodes.jsonl, results_<mode>.json, performance_comparison.json, report.md, report.html.

  --suite <name>          embedded_spatial (default), libero_spatial, libero_object,
                          libero_goal, libero_10, libero_90
  --env <where>           embedded (default) | python (spawn the bridge's server per worker)
                          | tcp://host:port[,tcp://host2:port2...] (shard over servers)
  --bundle <dir>          model bundle (default: the shipped models/embedded_spatial)
  --mode <m>              both (= baseline,rsd; default) | all (= baseline,rsd,jacobi) | a list, e.g. baseline,jacobi
                          (jacobi: Jacobi verification without a draft; default baseline,jacobi for a bundle without draft.onnx)
                          continuous: the bundle's teacher head (continuous.onnx, no tokens) on the same states,
                          only when listed, e.g. baseline,rsd,continuous (what tokenization costs; a bundle
                          without continuous.onnx is refused)
  --acceptance <rule>     exact (default) | relaxed:<t>[,<t1>...] | sample:<T>:<seed>
  --draft-layers <k>      draft layers per proposal (default: the bundle's k)
  --trials <n>            episodes per task, initial states 0..n-1 (default 50)
  --tasks <ids>           all (default) or comma-separated task ids, e.g. 0,1
  --seed <s>              base seed; episode seeds derive from (seed, task, trial) (default 7)
  --max-steps <n>         step limit after the wait steps (default: the suite's, 220 spatial)
  --wait-steps <n>        no-op steps before the policy acts (default 10)
  --execute-steps <n>     steps between policy calls (default: the bundle's execution.executeSteps, else 8)
  --ensemble <e>          none: run each chunk's actions open-loop | temporal:<decay>: ACT's
                          temporal ensemble of every chunk covering the step, i-th oldest
                          weighted exp(-decay*i) (default: the bundle's execution.ensemble, else none)
  --init-states <s>       fixed (default): the suite's evaluation states | validation: 50 held-out
                          states per task from the training distribution, for tuning (embedded)
  --render-size <n>       the environment renders n x n and each image is resized to the bundle's
                          input (area average when shrinking, bilinear when enlarging; recorded
                          in run.json and the report). Default: render at the bundle's input size
  --features <module.py>  for a bundle with an external backbone (manifest backbone.kind external,
                          e.g. OpenVLA features) and --env python: every spawned LIBERO server loads
                          this module (rsd_libero_server.py --features) and sends its features with
                          each observation; TCP servers are started with it themselves
  --features-config <c>   the module's setup config: a JSON file or inline JSON (with --features)
  --workers <n>           worker threads, each with its own env and engine (default: cores)
  --attempts <n>          runs per episode at most when its LIBERO server fails (connection lost,
                          server gone, reply timeout): the episode runs again from its start on a
                          live server; errors of the policy or the environment stay final (default 3)
  --server-wait <s>       TCP: with no LIBERO server answering, wait this long for one to come back
                          before the run stops (finished episodes kept; --resume) (default 60)
  --threads <n>           ONNX Runtime intra-op threads per worker (default 1)
  --out <dir>             output folder (default results/<suite>-<timestamp>)
  --resume <dir>          continue a run: finished episodes are kept, the rest is run
  --video <v>             rollout GIFs under videos/: highlights (default: the first success and first
                          failure of each task and mode, shown in report.html) | <n>: the first n
                          trials of each task and mode | none
  --json                  print the final summary as JSON on stdout
  -h, --help              this text

Exit codes: 0 done, 1 other failure, 2 bad flags / missing bundle / resume mismatch, 3 some
episodes ended in error, 4 setup fault of the environment (no server answers at start, token,
protocol, LIBERO), 5 every LIBERO server went down mid-run (finished episodes kept: --resume).`;

/** Parses the `eval` command's arguments. Unknown flags and stray positionals are INVALID_FLAG. */
export function parseEvalFlags(argv: readonly string[]): EvalFlags {
  let parsed;
  try {
    parsed = parseArgs({
      args: [...argv],
      strict: true,
      allowPositionals: false,
      options: {
        suite: { type: 'string' },
        env: { type: 'string' },
        bundle: { type: 'string' },
        mode: { type: 'string' },
        acceptance: { type: 'string' },
        'draft-layers': { type: 'string' },
        trials: { type: 'string' },
        tasks: { type: 'string' },
        seed: { type: 'string' },
        'max-steps': { type: 'string' },
        'wait-steps': { type: 'string' },
        'execute-steps': { type: 'string' },
        ensemble: { type: 'string' },
        'init-states': { type: 'string' },
        'render-size': { type: 'string' },
        features: { type: 'string' },
        'features-config': { type: 'string' },
        workers: { type: 'string' },
        attempts: { type: 'string' },
        'server-wait': { type: 'string' },
        threads: { type: 'string' },
        out: { type: 'string' },
        resume: { type: 'string' },
        video: { type: 'string' },
        json: { type: 'boolean' },
        help: { type: 'boolean', short: 'h' },
      },
    });
  } catch (error) {
    throw new EvalError('INVALID_FLAG', `${(error as Error).message} (see --help)`, { subject: 'argv', cause: error });
  }
  const v = parsed.values;
  const out: Record<string, string | boolean> = {};
  const rename: Record<string, string> = {
    'draft-layers': 'draftLayers',
    'max-steps': 'maxSteps',
    'wait-steps': 'waitSteps',
    'execute-steps': 'executeSteps',
    'init-states': 'initStates',
    'render-size': 'renderSize',
    'features-config': 'featuresConfig',
    'server-wait': 'serverWait',
  };
  for (const [key, value] of Object.entries(v)) {
    if (value !== undefined) out[rename[key] ?? key] = value as string | boolean;
  }
  // paths the user typed resolve against the folder they stood in, not packages/eval-cli
  for (const key of ['bundle', 'out', 'resume', 'features']) {
    const value = out[key];
    if (typeof value === 'string') out[key] = userPath(value);
  }
  // --features-config is a file path (resolved like the others) or inline JSON (kept as typed)
  const fc = out.featuresConfig;
  if (typeof fc === 'string' && !fc.trimStart().startsWith('{')) out.featuresConfig = userPath(fc);
  return out as EvalFlags;
}
