#!/usr/bin/env node
// Thin CLI: parses arguments, calls the command, maps errors to exit codes in one place.
import { runEval } from '../commands/run-eval.ts';
import { EvalError } from '../errors/eval-error.ts';
import { EVAL_HELP, parseEvalFlags } from './eval-flags.ts';

const USAGE = 'usage: rsd-eval eval [flags]   (rsd-eval eval --help for the flags)';

async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  if (command === undefined || command === '--help' || command === '-h') {
    console.log(USAGE);
    return 0;
  }
  if (command !== 'eval') throw new EvalError('INVALID_FLAG', `unknown command "${command}" (expected: eval)`, { subject: 'command' });
  const flags = parseEvalFlags(rest);
  if (flags.help === true) {
    console.log(EVAL_HELP);
    return 0;
  }
  const result = await runEval(flags);
  const summary = {
    out_dir: result.outDir,
    episodes_run: result.ran,
    episodes_skipped: result.skipped,
    errors: result.errors,
    baseline_success_rate: result.baseline?.final_success_rate ?? null,
    rsd_success_rate: result.rsd?.final_success_rate ?? null,
    baseline_ms: result.baseline?.inference_time_ms?.mean ?? null,
    rsd_ms: result.rsd?.inference_time_ms?.mean ?? null,
    speedup: result.comparison.speedup,
    draft_acceptance_rate: result.rsd?.rsd_stats.draft_acceptance_rate ?? null,
  };
  if (flags.json === true) console.log(JSON.stringify(summary));
  else {
    const pct = (v: number | null) => (v === null ? '–' : `${(100 * v).toFixed(1)}%`);
    console.log(
      `done: ${result.ran} episodes run, ${result.skipped} kept from before, ${result.errors} errors\n` +
        `success: baseline ${pct(summary.baseline_success_rate)}, rsd ${pct(summary.rsd_success_rate)}; ` +
        `speedup ${summary.speedup === null ? '–' : `${summary.speedup.toFixed(2)}x`}\n` +
        `report: ${result.outDir}/report.html`,
    );
  }
  return result.errors > 0 ? 3 : 0;
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (error: unknown) => {
    if (EvalError.isInstance(error)) {
      console.error(`error [${error.code}]: ${error.message}`);
      process.exit(error.code === 'INVALID_FLAG' || error.code === 'MISSING_BUNDLE' || error.code === 'RESUME_MISMATCH' ? 2 : 1);
    }
    console.error(error);
    process.exit(1);
  },
);
