import { selectTfBackend, type SelectedTfBackend, type TfBackendName } from '@rsd/rfsq';
import { readFile } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import { HeadsError } from '../errors/heads-error.ts';
import { validateHeadsConfig, type HeadsConfig } from '../heads-config.ts';
import { syntheticFeatureDataset } from '../testing/synthetic-feature-dataset.ts';
import { readFeatureDataset, type FeatureDataset } from '../train/feature-dataset.ts';
import { checkPrefixNoise, type PrefixNoise } from '../train/prefix-noise.ts';
import { trainHeads, type TrainHeadsResult } from '../train/train-heads.ts';
import { numberFlag } from './parse-number-flag.ts';
import { userPath } from './user-path.ts';

export const TRAIN_HELP = `heads train — train the main head (teacher forcing) and the draft head (distilled to main greedy)

  npx nx run heads:train --data <features.safetensors | dir with features.npy, tokens.npy> --out <dir>
                         [--config <heads.json>] [--K 7] [--k 3] [--main-width 256] [--main-depth 2]
                         [--draft-width 128] [--draft-depth 2] [--main-epochs 20] [--draft-epochs 20]
                         [--minibatch 64] [--lr 0.001] [--seed 0] [--val 0.1] [--soft-weight 1]
                         [--draft-init auto|main|random] [--prefix-noise <rate>] [--prefix-clean 0.25]
                         [--draft trained|main-prefix]
                         [--resume]
                         [--backend tensorflow|wasm|cpu] [--json]
  npx nx run heads:train --synthetic <N> --out <dir> ...   (a synthetic dataset, for a smoke test)

  --data      features [N,F] float32 and tokens [N,C,H,L] int (RFSQ codes of the matching action
              chunks), as one .safetensors file or a folder of two .npy files (np.save)
  --config    heads config JSON; flags override its fields; F, C, H, L come from the data
  --soft-weight  weight of the soft distillation term (draft vs main's softmax at each greedy
              step) added to the hard cross-entropy against main's greedy tokens; 0 = hard only
  --draft-init  main: start the draft from the main head's layer-0 path (exact layer-0
              agreement; needs draft depth = main depth, draft width >= main width / L);
              random: seeded init; auto (default): main when the config allows it
  --prefix-noise  train the main head on corrupted prefixes towards the clean tokens: per sample
              a random suffix of layers is set to the undecided code and the codes before it
              move to a neighbouring level with probability up to <rate> (0..1), so its guesses
              for deeper layers survive a wrong prefix (Jacobi consistency); --prefix-clean is
              the share of samples left clean (default 0.25). Off unless given.
  --draft     trained (default): distil a draft head towards main's greedy tokens; main-prefix:
              draft.onnx is the main head's own first k layers decoded greedily in one graph
              (exact by construction, no draft training; --draft-* and --draft-epochs unused)
  --resume    continue from <out>/checkpoint.safetensors (written after every epoch)
  --backend   force a TensorFlow.js backend (default: tensorflow, else wasm, else cpu; printed)

Writes <out>/main.onnx, draft.onnx, main.safetensors, draft.safetensors (PyTorch state_dict
names), heads.json, report.json (per-layer draft-vs-main-greedy agreement = exact-mode
acceptance, expected accepted layers and main passes). Exit codes: 0 ok, 1 failed, 2 bad usage.
`;

export interface TrainCommandOptions {
  readonly data?: string | undefined;
  readonly synthetic?: number | undefined;
  readonly out: string;
  readonly config?: string | undefined;
  readonly overrides: Partial<HeadsConfig>;
  readonly mainEpochs: number;
  readonly draftEpochs: number;
  readonly batchSize: number;
  readonly learningRate: number;
  readonly seed: number;
  readonly valFraction: number;
  readonly resume: boolean;
  readonly softWeight: number;
  readonly draftInit: 'auto' | 'main' | 'random';
  readonly prefixNoise?: PrefixNoise | undefined;
  readonly draft?: 'trained' | 'main-prefix' | undefined;
  readonly backend?: TfBackendName | undefined;
}

/** Parses `train` flags; usage mistakes throw TypeError/RangeError naming the flag. */
export function parseTrainArgs(args: string[]): { options: TrainCommandOptions; json: boolean; help: boolean } {
  const s = { type: 'string' } as const;
  const { values: v } = parseArgs({
    args,
    strict: true,
    options: {
      data: s,
      synthetic: s,
      out: s,
      config: s,
      K: s,
      k: s,
      'main-width': s,
      'main-depth': s,
      'draft-width': s,
      'draft-depth': s,
      'main-epochs': s,
      'draft-epochs': s,
      minibatch: s,
      lr: s,
      'soft-weight': s,
      'draft-init': s,
      'prefix-noise': s,
      'prefix-clean': s,
      draft: s,
      seed: s,
      val: s,
      backend: s,
      resume: { type: 'boolean' },
      json: { type: 'boolean' },
      help: { type: 'boolean' },
    },
  });
  const help = v.help ?? false;
  const json = v.json ?? false;
  const base = {
    out: '',
    overrides: {},
    mainEpochs: 0,
    draftEpochs: 0,
    batchSize: 1,
    learningRate: 1,
    seed: 0,
    valFraction: 0.1,
    resume: false,
    softWeight: 1,
    draftInit: 'auto' as const,
  };
  if (help) return { options: base, json, help };
  if ((v.data === undefined) === (v.synthetic === undefined))
    throw new TypeError('exactly one of --data and --synthetic is required (see --help)');
  if (v.out === undefined || v.out === '') throw new TypeError('--out is required (see --help)');
  if (v['draft-init'] !== undefined && !['auto', 'main', 'random'].includes(v['draft-init'])) {
    throw new RangeError(`--draft-init must be auto, main or random, got "${v['draft-init']}"`);
  }
  if (v.draft !== undefined && !['trained', 'main-prefix'].includes(v.draft)) {
    throw new RangeError(`--draft must be trained or main-prefix, got "${v.draft}"`);
  }
  if (v.backend !== undefined && !['tensorflow', 'wasm', 'cpu'].includes(v.backend)) {
    throw new RangeError(`--backend must be tensorflow, wasm or cpu, got "${v.backend}"`);
  }
  const overrides: Record<string, number> = {};
  const opt = (flag: keyof typeof v, field: keyof HeadsConfig, min: number) => {
    const value = v[flag];
    if (typeof value === 'string') overrides[field] = numberFlag(value, flag, 0, 'int', min);
  };
  opt('K', 'K', 2);
  opt('k', 'draftLayers', 1);
  opt('main-width', 'mainWidth', 1);
  opt('main-depth', 'mainDepth', 1);
  opt('draft-width', 'draftWidth', 1);
  opt('draft-depth', 'draftDepth', 0);
  if (v['prefix-clean'] !== undefined && v['prefix-noise'] === undefined) throw new TypeError('--prefix-clean needs --prefix-noise');
  const prefixNoise =
    v['prefix-noise'] === undefined
      ? undefined
      : { maxRate: numberFlag(v['prefix-noise'], 'prefix-noise', 0, 'float', 0), cleanShare: numberFlag(v['prefix-clean'], 'prefix-clean', 0.25, 'float', 0) };
  if (prefixNoise !== undefined) checkPrefixNoise(prefixNoise, '--prefix-noise/--prefix-clean');
  const valFraction = numberFlag(v.val, 'val', 0.1, 'float', 0);
  if (!(valFraction > 0 && valFraction < 1)) throw new RangeError(`--val must be in (0, 1), got "${v.val}"`);
  return {
    options: {
      data: v.data === undefined ? undefined : userPath(v.data),
      synthetic: v.synthetic === undefined ? undefined : numberFlag(v.synthetic, 'synthetic', 0, 'int', 2),
      out: userPath(v.out),
      config: v.config === undefined ? undefined : userPath(v.config),
      overrides: overrides as Partial<HeadsConfig>,
      mainEpochs: numberFlag(v['main-epochs'], 'main-epochs', 20),
      draftEpochs: numberFlag(v['draft-epochs'], 'draft-epochs', 20),
      batchSize: numberFlag(v['minibatch'], 'minibatch', 64, 'int', 1),
      learningRate: numberFlag(v.lr, 'lr', 1e-3, 'float', Number.MIN_VALUE),
      seed: numberFlag(v.seed, 'seed', 0),
      valFraction,
      resume: v.resume ?? false,
      softWeight: numberFlag(v['soft-weight'], 'soft-weight', 1, 'float', 0),
      draftInit: (v['draft-init'] ?? 'auto') as 'auto' | 'main' | 'random',
      prefixNoise,
      draft: v.draft as 'trained' | 'main-prefix' | undefined,
      backend: v.backend as TfBackendName | undefined,
    },
    json,
    help,
  };
}

/** Defaults of the fields a dataset does not determine. */
const DEFAULTS = { K: 7, draftLayers: 3, mainWidth: 256, mainDepth: 2, draftWidth: 128, draftDepth: 2 };

/** Runs training (see TRAIN_HELP). */
export async function runTrain(
  options: TrainCommandOptions,
  deps: {
    log: (line: string) => void;
    /** TTY status line (see TrainHeadsDeps.progress). */
    progress?: (line: string) => void;
    selectBackend?: (o: { prefer?: TfBackendName; log: (l: string) => void }) => Promise<SelectedTfBackend>;
  },
): Promise<TrainHeadsResult> {
  let fromFile: Record<string, unknown> = {};
  if (options.config !== undefined) {
    const text = await readFile(options.config, 'utf8').catch((cause: unknown) => {
      throw new HeadsError('IO_ERROR', `cannot read config ${options.config}: ${(cause as Error).message}`, {
        subject: options.config,
        cause,
      });
    });
    try {
      fromFile = JSON.parse(text) as Record<string, unknown>;
    } catch (cause) {
      throw new HeadsError('INVALID_CONFIG', `${options.config} is not valid JSON`, { subject: options.config, cause });
    }
  }
  const partial = { ...DEFAULTS, ...fromFile, ...options.overrides };
  let data: FeatureDataset;
  if (options.data !== undefined) {
    data = await readFeatureDataset(options.data);
  } else {
    const shape = { F: 64, C: 8, H: 7, L: 8, ...fromFile, ...options.overrides };
    const cfg = validateHeadsConfig({ ...partial, F: shape.F, C: shape.C, H: shape.H, L: shape.L }, 'synthetic config');
    deps.log(
      `[heads] synthetic dataset: ${options.synthetic} samples from a random teacher (smoke test, not real data)`,
    );
    data = await syntheticFeatureDataset(cfg, options.synthetic!, options.seed + 1000);
  }
  const cfg = validateHeadsConfig(
    { ...partial, F: data.F, C: data.C, H: data.H, L: data.L },
    options.config ?? 'config',
  );
  const selected = await (deps.selectBackend ?? selectTfBackend)({
    ...(options.backend ? { prefer: options.backend } : {}),
    log: deps.log,
  });
  return trainHeads(
    {
      config: cfg,
      data,
      outDir: options.out,
      mainEpochs: options.mainEpochs,
      draftEpochs: options.draftEpochs,
      batchSize: options.batchSize,
      learningRate: options.learningRate,
      seed: options.seed,
      valFraction: options.valFraction,
      resume: options.resume,
      softWeight: options.softWeight,
      draftInit: options.draftInit,
      ...(options.prefixNoise !== undefined ? { prefixNoise: options.prefixNoise } : {}),
      ...(options.draft !== undefined ? { draft: options.draft } : {}),
    },
    {
      tf: selected.tf,
      backend: selected.backend,
      log: deps.log,
      ...(deps.progress ? { progress: deps.progress } : {}),
    },
  );
}
