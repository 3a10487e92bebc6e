#!/usr/bin/env node
// Thin CLI of @rsd/imitation: parses arguments, calls the command, maps errors to exit codes in one place.
import { EvalError } from '@rsd/eval-cli';
import { parseRedistillFlags, REDISTILL_HELP } from './redistill-draft-flags.ts';
import { parseTrainDefaultFlags, TRAIN_DEFAULT_HELP } from './train-default-flags.ts';
import { runRedistillCommand } from '../run-redistill-command.ts';
import { runTrainDefault } from '../run-train-default.ts';

const USAGE = 'usage: rsd-imitation train-default --out <dir> [flags] | rsd-imitation redistill-draft [flags]   (<command> --help for the flags)';

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
    const summary = { out: r.out, samples: r.samples, stageSeconds: r.stageSeconds, reused: r.reused, teacher: r.teacherHistory[r.teacherHistory.length - 1], teacherSelection: r.teacherSelection, chosenEpoch: r.chosenEpoch, draftPositionAgreement: r.draft.positionAgreement, draftLayerAgreement: r.draft.layerAgreement, expectedAcceptedLayers: r.draft.expectedAcceptedLayers };
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
  throw new EvalError('INVALID_FLAG', `unknown command "${command}" (expected: train-default or redistill-draft)`, { subject: 'command' });
}

/** Exit codes: 0 ok, 1 internal error, 2 bad flags or inputs, 4 setup fault of the environment. */
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
