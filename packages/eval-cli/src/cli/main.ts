#!/usr/bin/env node
// Thin CLI: parses the command name and maps errors to exit codes in one place.
import { EvalError } from '../errors/eval-error.ts';

async function main(argv: string[]): Promise<number> {
  const [command] = argv;
  if (command === undefined || command === '--help' || command === '-h') {
    console.log('usage: rsd-eval eval [--trials N] [...]   (run `rsd-eval eval --help`)');
    return 0;
  }
  if (command === 'eval') {
    throw new EvalError(
      'NOT_BUILT',
      'eval-cli: the evaluation command is not built yet (issue "eval-cli"); it needs rsd-engine and libero-bridge first',
    );
  }
  throw new EvalError('INVALID_FLAG', `unknown command "${command}" (expected: eval)`, { subject: 'command' });
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (error: unknown) => {
    if (EvalError.isInstance(error)) {
      console.error(`error [${error.code}]: ${error.message}`);
      process.exit(2);
    }
    console.error(error);
    process.exit(1);
  },
);
