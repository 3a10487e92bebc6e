import { parseArgs } from 'node:util';
import { userPath } from './user-path.ts';
import { EvalError } from '../errors/eval-error.ts';
import { intFlag } from './int-flag.ts';
import { SMOKE_CONFIG, TRAIN_DEFAULT_CONFIG, type TrainDefaultConfig } from '../train-default/train-default-config.ts';

export const TRAIN_DEFAULT_HELP = `usage: rsd-eval train-default --out <dir> [flags]   (npx nx run eval-cli:train-default -- [flags])

Trains the embedded-default policy bundle: scripted-expert demos (training initial states,
never the evaluation's) -> robust RFSQ -> backbone + main head (joint, token cross-entropy,
random-shift augmentation) -> DAgger rounds (policy rollouts labelled by the expert,
fine-tuning on demos + labelled states) -> draft head distilled to the main head's greedy tokens ->
model bundle -> on-policy rollouts of its baseline policy -> draft re-distilled on their
features -> model bundle with provenance. Seeds are fixed by --seed; stage times are printed.

Resume: every stage writes its outputs and a marker (config + inputs hash) into the work folder.
Rerun the same command after a kill (or in a later session) and finished stages are reused
("stage X: done before, reusing"); an interrupted one continues from its last checkpoint (the
policy after every epoch: weights, Adam state, data-order/augmentation generator, LR schedule
position; the tokenizer and draft after every epoch; demos after every task). The resumed run
writes the same model bytes as an uninterrupted one. A stage's key covers only the config fields
it reads: after a config change (the changed fields are named) the stages that read them rerun
and the others are reused; --fresh discards the whole work folder.
Progress: one line per epoch/task with samples/s and the stage's ETA (a status line on a TTY).

  --out <dir>             bundle folder to write (absolute path: nx runs in packages/eval-cli)
  --work <dir>            stage outputs, checkpoints and markers; a rerun resumes in it
                          (default <out>.work; keep it until the bundle is written)
  --fresh                 discard an existing work folder and start from scratch
  --tasks <a,b,...>       embedded_spatial task ids (default ${TRAIN_DEFAULT_CONFIG.tasks.join(',')})
  --demos <n>             expert demos per task (default ${TRAIN_DEFAULT_CONFIG.demosPerTask})
  --epochs <n>            backbone + main head epochs (default ${TRAIN_DEFAULT_CONFIG.epochs})
  --draft-epochs <n>      draft distillation epochs (default ${TRAIN_DEFAULT_CONFIG.draftEpochs})
  --rfsq-epochs <n>       tokenizer epochs (default ${TRAIN_DEFAULT_CONFIG.rfsq.epochs})
  --image-size <px>       agent-view side (default ${TRAIN_DEFAULT_CONFIG.imageSize})
  --shift <px>            random-shift augmentation, +- pixels (default ${TRAIN_DEFAULT_CONFIG.shift})
  --lr <x>                Adam learning rate of backbone + main head (default ${TRAIN_DEFAULT_CONFIG.learningRate})
  --layer-weighting <w>   sqrt-scale (default) | uniform: loss weight of each residual layer
  --dagger-rounds <n>     DAgger rounds after the base policy, 0 = none (default ${TRAIN_DEFAULT_CONFIG.dagger.rounds}):
                          the policy runs closed loop, the scripted expert labels every state
                          it visits with its chunk from there, and backbone + main head are
                          fine-tuned on demos + all rounds' states
  --dagger-episodes <n>   rollouts per task and round (default ${TRAIN_DEFAULT_CONFIG.dagger.episodesPerTask})
  --dagger-epochs <n>     fine-tuning epochs per round (default ${TRAIN_DEFAULT_CONFIG.dagger.epochs})
  --onpolicy-episodes <n> closed-loop episodes per task for the on-policy draft stage, 0 = skip
                          (default ${TRAIN_DEFAULT_CONFIG.onPolicyDraft.episodesPerTask})
  --seed <n>              seed of every stage (default ${TRAIN_DEFAULT_CONFIG.seed})
  --smoke                 tiny config (1 task, 2 demos, 16x16) to check the pipeline runs
  --overwrite             replace an existing --out (checked before any work)
  --json                  print the result as JSON
  --help`;

export interface TrainDefaultCli {
  readonly help: boolean;
  readonly json: boolean;
  readonly overwrite: boolean;
  readonly fresh: boolean;
  readonly out?: string;
  readonly work?: string;
  readonly config: TrainDefaultConfig;
}

/** Parses the flags of `train-default`; a bad value is INVALID_FLAG naming the flag. */
export function parseTrainDefaultFlags(argv: readonly string[]): TrainDefaultCli {
  let parsed;
  try {
    parsed = parseArgs({
      args: [...argv],
      strict: true,
      options: {
        out: { type: 'string' },
        work: { type: 'string' },
        tasks: { type: 'string' },
        demos: { type: 'string' },
        epochs: { type: 'string' },
        'draft-epochs': { type: 'string' },
        'rfsq-epochs': { type: 'string' },
        'image-size': { type: 'string' },
        shift: { type: 'string' },
        seed: { type: 'string' },
        lr: { type: 'string' },
        'layer-weighting': { type: 'string' },
        'onpolicy-episodes': { type: 'string' },
        'dagger-rounds': { type: 'string' },
        'dagger-episodes': { type: 'string' },
        'dagger-epochs': { type: 'string' },
        smoke: { type: 'boolean' },
        overwrite: { type: 'boolean' },
        fresh: { type: 'boolean' },
        json: { type: 'boolean' },
        help: { type: 'boolean' },
      },
    }).values;
  } catch (cause) {
    throw new EvalError('INVALID_FLAG', (cause as Error).message, { subject: 'flags', cause });
  }
  const int = intFlag;
  const base = parsed.smoke === true ? SMOKE_CONFIG : TRAIN_DEFAULT_CONFIG;
  const tasks = parsed.tasks?.split(',').map((t) => int('tasks', t.trim(), 0)!);
  const rfsqEpochs = int('rfsq-epochs', parsed['rfsq-epochs'], 1);
  const lr = parsed.lr === undefined ? undefined : Number(parsed.lr);
  if (lr !== undefined && !(lr > 0))
    throw new EvalError('INVALID_FLAG', `--lr must be a number > 0, got "${parsed.lr}"`, { subject: '--lr' });
  const weighting = parsed['layer-weighting'];
  if (weighting !== undefined && weighting !== 'uniform' && weighting !== 'sqrt-scale') {
    throw new EvalError('INVALID_FLAG', `--layer-weighting must be sqrt-scale or uniform, got "${weighting}"`, {
      subject: '--layer-weighting',
    });
  }
  const config: TrainDefaultConfig = {
    ...base,
    ...(tasks ? { tasks } : {}),
    demosPerTask: int('demos', parsed.demos, 1) ?? base.demosPerTask,
    epochs: int('epochs', parsed.epochs, 1) ?? base.epochs,
    draftEpochs: int('draft-epochs', parsed['draft-epochs'], 0) ?? base.draftEpochs,
    imageSize: int('image-size', parsed['image-size'], 8) ?? base.imageSize,
    shift: int('shift', parsed.shift, 0) ?? base.shift,
    seed: int('seed', parsed.seed, 0) ?? base.seed,
    learningRate: lr ?? base.learningRate,
    layerWeighting: weighting ?? base.layerWeighting,
    rfsq: { ...base.rfsq, epochs: rfsqEpochs ?? base.rfsq.epochs },
    dagger: {
      ...base.dagger,
      rounds: int('dagger-rounds', parsed['dagger-rounds'], 0) ?? base.dagger.rounds,
      episodesPerTask: int('dagger-episodes', parsed['dagger-episodes'], 1) ?? base.dagger.episodesPerTask,
      epochs: int('dagger-epochs', parsed['dagger-epochs'], 1) ?? base.dagger.epochs,
    },
    onPolicyDraft: {
      ...base.onPolicyDraft,
      episodesPerTask: int('onpolicy-episodes', parsed['onpolicy-episodes'], 0) ?? base.onPolicyDraft.episodesPerTask,
    },
  };
  if (parsed.help !== true && parsed.out === undefined)
    throw new EvalError('INVALID_FLAG', '--out <dir> is required', { subject: '--out' });
  return {
    help: parsed.help === true,
    json: parsed.json === true,
    overwrite: parsed.overwrite === true,
    fresh: parsed.fresh === true,
    ...(parsed.out === undefined ? {} : { out: userPath(parsed.out) }),
    ...(parsed.work === undefined ? {} : { work: userPath(parsed.work) }),
    config,
  };
}
