import { parseArgs } from 'node:util';
import { userPath } from '@rsd/eval-cli';
import { EvalError } from '@rsd/eval-cli';
import { intFlag } from '@rsd/eval-cli';
import { TRAIN_DEFAULT_CONFIG } from '../train-default-config.ts';

export const REDISTILL_HELP = `usage: rsd-imitation redistill-draft --bundle <dir> --checkpoint <heads checkpoint> --out <dir> [flags]
       (npx nx run imitation:redistill-draft -- [flags])

train-default's on-policy draft stage on its own: runs the bundle's baseline policy closed loop
from training-distribution initial states, then distils a fresh draft head towards the main
head on the features of every call. Writes a bundle that differs only in draft.onnx and
provenance (baseline and exact-mode outputs unchanged).

  --bundle <dir>          the bundle to start from
  --checkpoint <file>     heads checkpoint with its main weights (<work>/draft/checkpoint.safetensors)
  --out <dir>             new bundle folder
  --episodes <n>          closed-loop episodes per task (default 20)
  --draft-width <n>       hidden width of the new draft (default ${TRAIN_DEFAULT_CONFIG.onPolicyDraft.draftWidth})
  --draft-epochs <n>      distillation epochs (default ${TRAIN_DEFAULT_CONFIG.onPolicyDraft.draftEpochs})
  --tasks <a,b,...>       tasks (default all ten)
  --execute-steps <n>     execution block of the new bundle (default: the bundle's, else ${TRAIN_DEFAULT_CONFIG.execution.executeSteps})
  --ensemble <e>          (default: the bundle's, else ${TRAIN_DEFAULT_CONFIG.execution.ensemble})
  --note <text>           execution.note of the new bundle
  --seed <n>              default ${TRAIN_DEFAULT_CONFIG.seed}
  --overwrite             replace an existing --out
  --help`;

export interface RedistillCli {
  readonly help: boolean;
  readonly overwrite: boolean;
  readonly bundle?: string;
  readonly checkpoint?: string;
  readonly out?: string;
  readonly episodes: number;
  readonly draftWidth: number;
  readonly draftEpochs: number;
  readonly tasks: readonly number[];
  readonly seed: number;
  readonly executeSteps?: number;
  readonly ensemble?: string;
  readonly note?: string;
}

/** Parses the flags of `redistill-draft`; a bad value is INVALID_FLAG naming the flag. */
export function parseRedistillFlags(argv: readonly string[]): RedistillCli {
  let v;
  try {
    v = parseArgs({
      args: [...argv],
      strict: true,
      options: {
        bundle: { type: 'string' },
        checkpoint: { type: 'string' },
        out: { type: 'string' },
        episodes: { type: 'string' },
        'draft-width': { type: 'string' },
        'draft-epochs': { type: 'string' },
        tasks: { type: 'string' },
        seed: { type: 'string' },
        'execute-steps': { type: 'string' },
        ensemble: { type: 'string' },
        note: { type: 'string' },
        overwrite: { type: 'boolean' },
        help: { type: 'boolean' },
      },
    }).values;
  } catch (cause) {
    throw new EvalError('INVALID_FLAG', (cause as Error).message, { subject: 'flags', cause });
  }
  const int = (flag: string, text: string | undefined, min: number, dflt: number): number => intFlag(flag, text, min) ?? dflt;
  const d = TRAIN_DEFAULT_CONFIG.onPolicyDraft;
  return {
    help: v.help === true,
    overwrite: v.overwrite === true,
    ...(v.bundle === undefined ? {} : { bundle: userPath(v.bundle) }),
    ...(v.checkpoint === undefined ? {} : { checkpoint: userPath(v.checkpoint) }),
    ...(v.out === undefined ? {} : { out: userPath(v.out) }),
    episodes: int('episodes', v.episodes, 1, 20),
    draftWidth: int('draft-width', v['draft-width'], 1, d.draftWidth),
    draftEpochs: int('draft-epochs', v['draft-epochs'], 1, d.draftEpochs),
    tasks: v.tasks === undefined ? TRAIN_DEFAULT_CONFIG.tasks : v.tasks.split(',').map((t) => int('tasks', t.trim(), 0, 0)),
    seed: int('seed', v.seed, 0, TRAIN_DEFAULT_CONFIG.seed),
    ...(v['execute-steps'] === undefined ? {} : { executeSteps: int('execute-steps', v['execute-steps'], 1, 1) }),
    ...(v.ensemble === undefined ? {} : { ensemble: v.ensemble }),
    ...(v.note === undefined ? {} : { note: v.note }),
  };
}
