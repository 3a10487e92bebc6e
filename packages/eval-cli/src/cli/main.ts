#!/usr/bin/env node
// Thin CLI: parses arguments, calls the command, maps errors to exit codes in one place.
import { evalSummary, formatEvalSummary } from '../commands/eval-summary.ts';
import { runEval } from '../commands/run-eval.ts';
import { EvalError } from '../errors/eval-error.ts';
import { EVAL_HELP, parseEvalFlags } from './eval-flags.ts';
import { parseTrainDefaultFlags, TRAIN_DEFAULT_HELP } from './train-default-flags.ts';
import { runTrainDefault } from '../train-default/run-train-default.ts';
import { parseRedistillFlags, REDISTILL_HELP } from './redistill-draft-flags.ts';
import { runRedistillCommand } from '../train-default/run-redistill-command.ts';
import { BUNDLE_EXTERNAL_HELP, FEATURES_HELP, parseBundleExternalFlags, parseFeaturesFlags } from './features-flags.ts';
import { replayDemoFeatures } from '../features/replay-demo-features.ts';
import { assembleExternalBundle } from '../features/assemble-external-bundle.ts';

const USAGE =
  'usage: rsd-eval eval [flags] | rsd-eval train-default --out <dir> [flags] | rsd-eval redistill-draft [flags] | rsd-eval features [flags] | rsd-eval bundle-external [flags]   (<command> --help for the flags)';

async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  if (command === undefined || command === '--help' || command === '-h') {
    console.log(USAGE);
    return 0;
  }
  if (command === 'train-default') {
    const t = parseTrainDefaultFlags(rest);
    if (t.help || t.out === undefined) {
      console.log(TRAIN_DEFAULT_HELP);
      return 0;
    }
    // on a TTY a log line first clears the progress status line it would otherwise run into
    const log = (line: string) => process.stderr.write(process.stderr.isTTY ? `\r\x1b[2K${line}\n` : `${line}\n`);
    const progress = { isTTY: process.stderr.isTTY === true, write: (text: string) => void process.stderr.write(text) };
    const r = await runTrainDefault(
      { config: t.config, out: t.out, ...(t.work === undefined ? {} : { workDir: t.work }), overwrite: t.overwrite, fresh: t.fresh },
      { log, progress },
    );
    const summary = { out: r.out, samples: r.samples, stageSeconds: r.stageSeconds, reused: r.reused, policy: r.policyHistory[r.policyHistory.length - 1], draftPositionAgreement: r.draft.positionAgreement, draftLayerAgreement: r.draft.layerAgreement, expectedAcceptedLayers: r.draft.expectedAcceptedLayers };
    console.log(t.json ? JSON.stringify(summary) : JSON.stringify(summary, null, 2));
    return 0;
  }
  if (command === 'redistill-draft') {
    const r = parseRedistillFlags(rest);
    if (r.help || r.bundle === undefined || r.checkpoint === undefined || r.out === undefined) {
      console.log(REDISTILL_HELP);
      return r.help ? 0 : 2;
    }
    const log = (line: string) => process.stderr.write(`${line}\n`);
    console.log(JSON.stringify(await runRedistillCommand({ ...r, bundle: r.bundle, checkpoint: r.checkpoint, out: r.out }, log), null, 2));
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
  if (command !== 'eval') throw new EvalError('INVALID_FLAG', `unknown command "${command}" (expected: eval, train-default, redistill-draft, features or bundle-external)`, { subject: 'command' });
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

/** Exit codes: 0 ok, 1 internal error, 2 bad flags or bundle, 3 some episodes ended in error, 4 setup fault of the environment. */
function exitCodeOf(code: string): number {
  if (code === 'INVALID_FLAG' || code === 'MISSING_BUNDLE' || code === 'RESUME_MISMATCH') return 2;
  if (code === 'SETUP_FAILED') return 4;
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
