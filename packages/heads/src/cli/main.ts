import { HeadsError } from '../errors/heads-error.ts';
import { BENCH_HELP, formatBench, parseBenchArgs, runBench } from './bench-command.ts';
import { CONVERT_HELP, parseConvertArgs, runConvert } from './convert-command.ts';
import { TRAIN_HELP, parseTrainArgs, runTrain } from './train-command.ts';

const HELP = `heads — RSD draft and main heads

Commands:
  train     train main (teacher forcing) and draft (distilled) heads  (npx nx run heads:train)
  bench     draft vs main latency per pass on ONNX Runtime CPU         (npx nx run heads:bench)
  convert   PyTorch / safetensors checkpoint → ONNX, without Python   (npx nx run heads:convert)

Run a command with --help for its flags.
`;

/** Exit codes: 0 ok, 1 refused or failed step (HeadsError), 2 bad usage, 3 unexpected. */
async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  const log = (line: string) => process.stderr.write(`${line}\n`);
  switch (command) {
    case 'convert': {
      const { options, json, help } = parseConvertArgs(rest);
      if (help) {
        process.stdout.write(CONVERT_HELP);
        return 0;
      }
      const r = await runConvert(options, { log });
      process.stdout.write(
        json
          ? `${JSON.stringify(r, null, 2)}\n`
          : `wrote ${r.out} (${r.arch} head, ${r.parameters} parameters, config from ${r.configSources.join(' + ')})\n`,
      );
      return 0;
    }
    case 'train': {
      const { options, json, help } = parseTrainArgs(rest);
      if (help) {
        process.stdout.write(TRAIN_HELP);
        return 0;
      }
      const progress = process.stderr.isTTY ? (line: string) => process.stderr.write(`\r\x1b[K${line}`) : undefined;
      const r = await runTrain(options, { log, ...(progress ? { progress } : {}) });
      const a = r.report.draftVsMainGreedy;
      process.stdout.write(
        json
          ? `${JSON.stringify({ files: r.files, report: { ...r.report, history: undefined } }, null, 2)}\n`
          : `wrote ${r.files.mainOnnx}, ${r.files.draftOnnx}; draft/main greedy agreement per layer ${a.positionAgreement.map((x) => x.toFixed(3)).join(' ')}, expected accepted layers ${a.expectedAcceptedLayers.toFixed(2)}\n`,
      );
      return 0;
    }
    case 'bench': {
      const { options, json, help } = parseBenchArgs(rest);
      if (help) {
        process.stdout.write(BENCH_HELP);
        return 0;
      }
      const r = await runBench(options);
      process.stdout.write(json ? `${JSON.stringify(r, null, 2)}\n` : formatBench(r));
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
    if (HeadsError.isInstance(error)) {
      process.stderr.write(`error [${error.code}]: ${error.message}\n`);
      process.exitCode = 1;
    } else if (error instanceof TypeError || error instanceof RangeError) {
      process.stderr.write(`usage: ${error.message}\n`);
      process.exitCode = 2;
    } else {
      process.stderr.write(
        `unexpected error: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
      );
      process.exitCode = 3;
    }
  },
);
