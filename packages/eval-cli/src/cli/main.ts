#!/usr/bin/env node
// Thin CLI: parses arguments, calls the command, maps errors to exit codes in one place.
import { evalSummary, formatEvalSummary } from '../commands/eval-summary.ts';
import { runEval } from '../commands/run-eval.ts';
import { EvalError } from '../errors/eval-error.ts';
import { EVAL_HELP, parseEvalFlags } from './eval-flags.ts';
import { BUNDLE_EXTERNAL_HELP, FEATURES_HELP, parseBundleExternalFlags, parseFeaturesFlags } from './features-flags.ts';
import { replayDemoFeatures } from '../features/replay-demo-features.ts';
import { assembleExternalBundle } from '../features/assemble-external-bundle.ts';

const USAGE =
  'usage: rsd-eval eval [flags] | rsd-eval features [flags] | rsd-eval bundle-external [flags]   (<command> --help for the flags; training the embedded default: @rsd/imitation)';

async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  if (command === undefined || command === '--help' || command === '-h') {
    console.log(USAGE);
    return 0;
  }
  if (command === 'features') {
    const f = parseFeaturesFlags(rest);
    if (f.help || f.options === undefined) {
      console.log(FEATURES_HELP);
      return 0;
    }
    const r = await replayDemoFeatures(f.options, { log: (line) => process.stderr.write(`${line}\n`) });
    console.log(f.json ? JSON.stringify(r) : JSON.stringify(r, null, 2));
    return 0;
  }
  if (command === 'bundle-external') {
    const b = parseBundleExternalFlags(rest);
    if (b.help || b.options === undefined) {
      console.log(BUNDLE_EXTERNAL_HELP);
      return 0;
    }
    const m = await assembleExternalBundle(b.options);
    console.log(JSON.stringify({ out: b.options.out, name: m.name, dims: m.dims, backbone: m.backbone }, null, 2));
    return 0;
  }
  if (command !== 'eval') throw new EvalError('INVALID_FLAG', `unknown command "${command}" (expected: eval, features or bundle-external; train-default and redistill-draft moved to @rsd/imitation: npx nx run imitation:train-default)`, { subject: 'command' });
  const flags = parseEvalFlags(rest);
  if (flags.help === true) {
    console.log(EVAL_HELP);
    return 0;
  }
  const result = await runEval(flags);
  const summary = evalSummary(result);
  console.log(flags.json === true ? JSON.stringify(summary) : formatEvalSummary(summary));
  return result.errors > 0 ? 3 : 0;
}

/**
 * Exit codes: 0 ok, 1 internal error, 2 bad flags or bundle, 3 some episodes ended in error, 4 setup
 * fault of the environment, 5 every LIBERO server went down mid-run (finished episodes kept: --resume).
 */
function exitCodeOf(code: string): number {
  if (code === 'INVALID_FLAG' || code === 'MISSING_BUNDLE' || code === 'RESUME_MISMATCH') return 2;
  if (code === 'SETUP_FAILED') return 4;
  if (code === 'SERVERS_DOWN') return 5;
  return 1;
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (error: unknown) => {
    if (EvalError.isInstance(error)) {
      console.error(`error [${error.code}]: ${error.message}`);
      process.exit(exitCodeOf(error.code));
    }
    console.error(error);
    process.exit(1);
  },
);
