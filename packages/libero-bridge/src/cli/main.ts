#!/usr/bin/env node
// Thin CLI: parses arguments, calls a command, maps errors to exit codes in one place.
import { parseArgs } from 'node:util';
import { BridgeError } from '../errors/bridge-error.ts';
import { runBench } from './bench-command.ts';
import { runDemos } from './demos-command.ts';
import { runExpertEval } from './expert-eval-command.ts';
import { runRender } from './render-command.ts';
import { userPath } from './user-path.ts';

const HELP: Record<string, string> = {
  demos: `usage: libero-bridge demos --suite embedded_spatial --episodes N --out DIR [flags]
  Records scripted-expert demonstrations, one LIBERO-layout HDF5 per task.
  --suite S          only embedded_spatial (default)
  --episodes N       successful demos per task (default 50)
  --out DIR          output folder (required)
  --seed S           seed of the training initial-state stream and the expert (default 0)
  --init-offset N    skip the first N draws of that stream (default 0)
  --tasks 0,4,9      task ids (default: all ten)
  --size N           image size (default 128)
  --eye-in-hand      also record obs/eye_in_hand_rgb
  --workers N        worker threads, tasks dealt round-robin (default 1)
  --json             print the result as JSON`,
  render: `usage: libero-bridge render --task N --init I --out frame.png [--size 256] [--eye-in-hand] [--json]
  Renders the first observation of a task's fixed initial state to a PNG.`,
  bench: `usage: libero-bridge bench [--episodes 20] [--frames 30] [--resets 1000]
  Physics steps/s, episodes/s with and without images, render ms/frame at 64/128/256,
  scaling over 1 and 2 worker threads, heap over many resets. Prints JSON.`,
  'expert-eval': `usage: libero-bridge expert-eval [--trials 50] [--workers 2] [--seed 0] [--json]
  Runs the scripted expert on every (task, fixed initial state) pair; prints the success rate.
  Exits 3 when it is below 98 %.`,
};
const USAGE = `usage: libero-bridge <demos|render|bench|expert-eval> [flags]   (<command> --help for flags)`;

function int(name: string, v: string | undefined, fallback?: number): number {
  if (v === undefined) {
    if (fallback === undefined) throw new RangeError(`--${name} is required`);
    return fallback;
  }
  const n = Number(v);
  if (!Number.isInteger(n)) throw new RangeError(`--${name} must be an integer, got ${v}`);
  return n;
}

function required(name: string, v: string | undefined): string {
  if (v === undefined || v === '') throw new RangeError(`--${name} is required`);
  return v;
}

async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  if (command === undefined || command === '--help' || command === '-h') {
    console.log(USAGE);
    return 0;
  }
  if (!(command in HELP)) {
    console.error(`unknown command ${command}\n${USAGE}`);
    return 2;
  }
  const { values } = parseArgs({
    args: rest,
    options: {
      help: { type: 'boolean' },
      json: { type: 'boolean' },
      suite: { type: 'string' },
      episodes: { type: 'string' },
      out: { type: 'string' },
      seed: { type: 'string' },
      'init-offset': { type: 'string' },
      tasks: { type: 'string' },
      size: { type: 'string' },
      'eye-in-hand': { type: 'boolean' },
      task: { type: 'string' },
      init: { type: 'string' },
      frames: { type: 'string' },
      resets: { type: 'string' },
      trials: { type: 'string' },
      workers: { type: 'string' },
    },
    strict: true,
  });
  if (values.help) {
    console.log(HELP[command]);
    return 0;
  }
  const log = (line: string) => console.error(line);
  if (command === 'demos') {
    const result = await runDemos(
      {
        suite: values.suite ?? 'embedded_spatial',
        episodes: int('episodes', values.episodes, 50),
        out: userPath(required('out', values.out)),
        seed: int('seed', values.seed, 0),
        initOffset: int('init-offset', values['init-offset'], 0),
        imageSize: int('size', values.size, 128),
        eyeInHand: values['eye-in-hand'] ?? false,
        workers: int('workers', values.workers, 1),
        ...(values.tasks ? { tasks: values.tasks.split(',').map((t) => int('tasks', t)) } : {}),
      },
      { log },
    );
    console.log(values.json ? JSON.stringify(result) : result.files.map((f) => `${f.path}: ${f.demos} demos, ${f.total} steps`).join('\n'));
    return 0;
  }
  if (command === 'render') {
    const result = await runRender({
      task: int('task', values.task),
      init: int('init', values.init, 0),
      out: userPath(required('out', values.out)),
      size: int('size', values.size, 256),
      eyeInHand: values['eye-in-hand'] ?? false,
    });
    console.log(values.json ? JSON.stringify(result) : `${result.path}: ${result.width}x${result.height}, "${result.instruction}"`);
    return 0;
  }
  if (command === 'bench') {
    const result = await runBench({ episodes: int('episodes', values.episodes, 20), frames: int('frames', values.frames, 30), resets: int('resets', values.resets, 1000) }, { log });
    console.log(JSON.stringify(result, null, 2));
    return 0;
  }
  const result = await runExpertEval({ trials: int('trials', values.trials, 50), workers: int('workers', values.workers, 1), seed: int('seed', values.seed, 0) });
  console.log(values.json ? JSON.stringify(result) : `expert: ${result.successes}/${result.episodes} (${(100 * result.successRate).toFixed(1)} %), mean ${result.meanSteps.toFixed(1)} steps; failures: ${result.failures.join(', ') || 'none'}`);
  return result.successRate >= 0.98 ? 0 : 3;
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (error: unknown) => {
    if (BridgeError.isInstance(error)) {
      console.error(`error [${error.code}]: ${error.message}`);
      process.exit(1);
    }
    if (error instanceof RangeError || error instanceof TypeError) {
      console.error(`error: ${error.message}`);
      process.exit(2);
    }
    console.error(error);
    process.exit(1);
  },
);
