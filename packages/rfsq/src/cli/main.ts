import { parseArgs } from 'node:util';
import { RfsqError } from '../errors/rfsq-error.ts';
import { createProgressReporter } from '../train/progress-reporter.ts';
import { validateTrainOptions } from '../train/train-options.ts';
import { parseTrainArgs, TRAIN_HELP } from './train-command.ts';
import { userPath } from './user-path.ts';

// Commands load their heavy modules (TensorFlow.js, ONNX Runtime, h5wasm) only when they run,
// after their arguments are checked, so --help and argument errors answer at once.

const HELP = `rfsq — robust Residual FSQ action tokenizer

Commands:
  train            train a tokenizer, export ONNX, write report   (npx nx run rfsq:train)
  compare          train robust and naive on the same data, compare (npx nx run rfsq:compare)
  generate-demos   write seeded smooth reach-and-grasp demos (LIBERO HDF5)
  bench            encode/decode and training throughput, JSON     (npx nx run rfsq:bench)

Run a command with --help for its flags.
`;

/** Exit codes: 0 ok, 1 bad input or failed step (RfsqError), 2 bad usage, 3 unexpected. */
async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  const log = (line: string) => process.stderr.write(`${line}\n`);
  const print = (value: unknown, json: boolean, text: string) => process.stdout.write(json ? `${JSON.stringify(value, null, 2)}\n` : `${text}\n`);
  switch (command) {
    case 'train': {
      const { options, json, help } = parseTrainArgs(rest);
      if (help) {
        process.stdout.write(TRAIN_HELP);
        return 0;
      }
      validateTrainOptions(options);
      const { trainRfsq } = await import('../train/train-rfsq.ts');
      const result = await trainRfsq(options, { log, progress: createProgressReporter(process.stderr) });
      const r = result.report;
      print(result, json, `wrote ${result.files.join(', ')} to ${result.out}\nmse ${r.mse.toExponential(3)} (eval chunks ${r.chunks}), ${Math.round(result.samplesPerSecond)} samples/s on ${result.backend}`);
      return 0;
    }
    case 'compare': {
      const { COMPARE_HELP, parseCompareArgs, runCompare } = await import('./compare-command.ts');
      const { options, json, help } = parseCompareArgs(rest);
      if (help) {
        process.stdout.write(COMPARE_HELP);
        return 0;
      }
      const result = await runCompare(options, { log, progress: createProgressReporter(process.stderr) });
      print(result, json, JSON.stringify(result.summary, null, 2));
      return 0;
    }
    case 'generate-demos': {
      const { GENERATE_DEMOS_HELP, runGenerateDemos } = await import('./generate-demos-command.ts');
      const { values } = parseArgs({ args: rest, strict: true, options: { out: { type: 'string' }, episodes: { type: 'string' }, seed: { type: 'string' }, json: { type: 'boolean' }, help: { type: 'boolean' } } });
      if (values.help) {
        process.stdout.write(GENERATE_DEMOS_HELP);
        return 0;
      }
      const result = await runGenerateDemos({ out: values.out === undefined ? '' : userPath(values.out), episodes: Number(values.episodes ?? 50), seed: Number(values.seed ?? 0) });
      print(result, values.json ?? false, `wrote ${result.episodes} episodes (${result.steps} steps) to ${result.file}`);
      return 0;
    }
    case 'bench': {
      const { BENCH_HELP, parseBenchArgs, runBench } = await import('./bench-command.ts');
      const { options, help } = parseBenchArgs(rest);
      if (help) {
        process.stdout.write(BENCH_HELP);
        return 0;
      }
      const result = await runBench(options, { log });
      print(result, true, '');
      return 0;
    }
    case undefined:
    case '--help':
    case 'help':
      process.stdout.write(HELP);
      return command === undefined ? 2 : 0;
    default:
      process.stderr.write(`unknown command "${command}"\n\n${HELP}`);
      return 2;
  }
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    if (RfsqError.isInstance(error)) {
      process.stderr.write(`rfsq: error [${error.code}] ${error.message}\n`);
      process.exitCode = 1;
    } else if (error instanceof TypeError || error instanceof RangeError) {
      process.stderr.write(`rfsq: ${error.message}\n`);
      process.exitCode = 2;
    } else {
      process.stderr.write(`rfsq: unexpected error: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
      process.exitCode = 3;
    }
  },
);
