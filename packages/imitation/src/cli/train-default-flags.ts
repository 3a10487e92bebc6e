import { parseArgs } from 'node:util';
import { userPath } from '@rsd/eval-cli';
import { EvalError } from '@rsd/eval-cli';
import { intFlag } from '@rsd/eval-cli';
import { SMOKE_CONFIG, TRAIN_DEFAULT_CONFIG, type TrainDefaultConfig } from '../train-default-config.ts';

export const TRAIN_DEFAULT_HELP = `usage: rsd-imitation train-default --out <dir> [flags]   (npx nx run imitation:train-default -- [flags])

Trains the embedded-default bundle, the seeds' two phases on our own small "VLA":
scripted-expert demos (training initial states, never the evaluation's) -> the teacher, a
continuous visuomotor policy (conv trunk with GroupNorm, spatial-softmax keypoints, MLP; L1 on
the z-scored 8x7 chunk; random shift; two threads) -> its epoch snapshots run closed loop on
validation initial states, the best kept -> robust RFSQ on the demo chunks -> main head and
draft trained on the teacher's frozen features (backbone.onnx = the teacher's trunk) towards
the RFSQ tokens of the teacher's chunk (or the expert's) -> bundle with backbone, heads, RFSQ
and the teacher's continuous head (continuous.onnx) -> (optional) on-policy draft stage.

Resume: every stage writes its outputs and a marker (config + inputs hash) into the work folder.
Rerun the same command after a kill (or in a later session) and finished stages are reused
("stage X: done before, reusing"); an interrupted one continues from its last checkpoint (the
teacher after every epoch: weights, Adam state, data-order/augmentation generator, schedule
position; the tokenizer and heads after every epoch; demos after every task). The resumed run
writes the same model bytes as an uninterrupted one. A stage's key covers only the config fields
it reads: after a config change (the changed fields are named) the stages that read them rerun
and the others are reused; --fresh discards the whole work folder.
Progress: one line per epoch/task with samples/s and the stage's ETA (a status line on a TTY).

  --out <dir>             bundle folder to write (absolute path: nx runs in packages/imitation)
  --work <dir>            stage outputs, checkpoints and markers; a rerun resumes in it
                          (default <out>.work; keep it until the bundle is written)
  --fresh                 discard an existing work folder and start from scratch
  --tasks <a,b,...>       embedded_spatial task ids (default ${TRAIN_DEFAULT_CONFIG.tasks.join(',')})
  --demos <n>             expert demos per task (default ${TRAIN_DEFAULT_CONFIG.demosPerTask})
  --teacher-epochs <n>    teacher epochs over all demo steps (default ${TRAIN_DEFAULT_CONFIG.teacher.epochs})
  --select-epochs <a,..>  teacher epochs also run closed loop on validation states; the best
                          snapshot is the teacher (default ${TRAIN_DEFAULT_CONFIG.teacher.select.epochs.join(',')}; the last always runs)
  --select-trials <n>     validation episodes per task for each snapshot (default ${TRAIN_DEFAULT_CONFIG.teacher.select.trialsPerTask})
  --head-targets <t>      teacher (default: RFSQ tokens of the teacher's chunk) | expert
  --prefix-noise <r|off>  train the main head on corrupted prefixes (a random suffix of layers set
                          to the undecided code, codes before it moved one level with probability
                          up to r; a quarter of samples clean) so its deeper guesses survive a
                          wrong prefix (default ${TRAIN_DEFAULT_CONFIG.headsPrefixNoise === null ? 'off' : TRAIN_DEFAULT_CONFIG.headsPrefixNoise.maxRate})
  --prefix-clean <s>      share of samples whose prefix stays clean under --prefix-noise (default ${TRAIN_DEFAULT_CONFIG.headsPrefixNoise?.cleanShare ?? 0.25})
  --draft <kind>          main-prefix: the main head's own first k layers, decoded greedily in one
                          graph (exact, nothing to train) | trained: a draft head distilled towards
                          main's greedy tokens (default ${TRAIN_DEFAULT_CONFIG.headsDraft})
  --draft-layers <k>      layers the draft proposes (default ${TRAIN_DEFAULT_CONFIG.heads.draftLayers})
  --draft-width <n>       the draft's hidden width (default ${TRAIN_DEFAULT_CONFIG.heads.draftWidth})
  --main-epochs <n>       main head epochs on the frozen features (default ${TRAIN_DEFAULT_CONFIG.mainEpochs})
  --draft-epochs <n>      draft distillation epochs (default ${TRAIN_DEFAULT_CONFIG.draftEpochs})
  --rfsq-epochs <n>       tokenizer epochs (default ${TRAIN_DEFAULT_CONFIG.rfsq.epochs})
  --image-size <px>       agent-view side (default ${TRAIN_DEFAULT_CONFIG.imageSize})
  --shift <px>            random-shift augmentation of the teacher, +- pixels (default ${TRAIN_DEFAULT_CONFIG.teacher.shift})
  --lr <x>                the teacher's Adam learning rate (default ${TRAIN_DEFAULT_CONFIG.teacher.learningRate})
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
        'teacher-epochs': { type: 'string' },
        'select-epochs': { type: 'string' },
        'select-trials': { type: 'string' },
        'head-targets': { type: 'string' },
        'main-epochs': { type: 'string' },
        'prefix-noise': { type: 'string' },
        'prefix-clean': { type: 'string' },
        draft: { type: 'string' },
        'draft-layers': { type: 'string' },
        'draft-width': { type: 'string' },
        'draft-epochs': { type: 'string' },
        'rfsq-epochs': { type: 'string' },
        'image-size': { type: 'string' },
        shift: { type: 'string' },
        seed: { type: 'string' },
        lr: { type: 'string' },
        'onpolicy-episodes': { type: 'string' },
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
  const targets = parsed['head-targets'];
  if (targets !== undefined && targets !== 'teacher' && targets !== 'expert') {
    throw new EvalError('INVALID_FLAG', `--head-targets must be teacher or expert, got "${targets}"`, { subject: '--head-targets' });
  }
  const noiseFlag = parsed['prefix-noise'];
  let prefixNoise = base.headsPrefixNoise;
  if (noiseFlag === 'off') prefixNoise = null;
  else if (noiseFlag !== undefined) {
    const r = Number(noiseFlag);
    if (!(r >= 0 && r <= 1)) throw new EvalError('INVALID_FLAG', `--prefix-noise must be a rate in [0, 1] or off, got "${noiseFlag}"`, { subject: '--prefix-noise' });
    prefixNoise = { cleanShare: base.headsPrefixNoise?.cleanShare ?? 0.25, maxRate: r };
  }
  const cleanFlag = parsed['prefix-clean'];
  if (cleanFlag !== undefined) {
    const s = Number(cleanFlag);
    if (!(s >= 0 && s <= 1)) throw new EvalError('INVALID_FLAG', `--prefix-clean must be a share in [0, 1], got "${cleanFlag}"`, { subject: '--prefix-clean' });
    if (prefixNoise === null) throw new EvalError('INVALID_FLAG', '--prefix-clean needs prefix noise (it is off)', { subject: '--prefix-clean' });
    prefixNoise = { ...prefixNoise, cleanShare: s };
  }
  const draftFlag = parsed.draft;
  if (draftFlag !== undefined && draftFlag !== 'main-prefix' && draftFlag !== 'trained') {
    throw new EvalError('INVALID_FLAG', `--draft must be main-prefix or trained, got "${draftFlag}"`, { subject: '--draft' });
  }
  const teacherEpochs = int('teacher-epochs', parsed['teacher-epochs'], 1) ?? base.teacher.epochs;
  const selectEpochs = parsed['select-epochs']?.split(',').map((t) => int('select-epochs', t.trim(), 1)!);
  const past = (selectEpochs ?? []).find((e) => e > teacherEpochs);
  if (past !== undefined) throw new EvalError('INVALID_FLAG', `--select-epochs: epoch ${past} is past the teacher's ${teacherEpochs} epochs`, { subject: '--select-epochs' });
  const config: TrainDefaultConfig = {
    ...base,
    ...(tasks ? { tasks } : {}),
    demosPerTask: int('demos', parsed.demos, 1) ?? base.demosPerTask,
    imageSize: int('image-size', parsed['image-size'], 8) ?? base.imageSize,
    seed: int('seed', parsed.seed, 0) ?? base.seed,
    rfsq: { ...base.rfsq, epochs: rfsqEpochs ?? base.rfsq.epochs },
    teacher: {
      ...base.teacher,
      epochs: teacherEpochs,
      shift: int('shift', parsed.shift, 0) ?? base.teacher.shift,
      learningRate: lr ?? base.teacher.learningRate,
      select: {
        epochs: selectEpochs ?? base.teacher.select.epochs.filter((e) => e <= teacherEpochs),
        trialsPerTask: int('select-trials', parsed['select-trials'], 1) ?? base.teacher.select.trialsPerTask,
        maxSteps: base.teacher.select.maxSteps,
      },
    },
    headTargets: targets ?? base.headTargets,
    headsPrefixNoise: prefixNoise,
    headsDraft: draftFlag ?? base.headsDraft,
    heads: {
      ...base.heads,
      draftLayers: int('draft-layers', parsed['draft-layers'], 1) ?? base.heads.draftLayers,
      draftWidth: int('draft-width', parsed['draft-width'], 1) ?? base.heads.draftWidth,
    },
    mainEpochs: int('main-epochs', parsed['main-epochs'], 1) ?? base.mainEpochs,
    draftEpochs: int('draft-epochs', parsed['draft-epochs'], 1) ?? base.draftEpochs,
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
