import type { RfsqVariant } from '../core/rfsq-config.ts';
import { RFSQ_VARIANTS } from '../core/rfsq-config.ts';
import { RfsqError } from '../errors/rfsq-error.ts';
import type { TfBackendName } from '../tf/select-tf-backend.ts';

/** Options of `rfsq train` (flag names in comments). */
export interface TrainRfsqOptions {
  /** --data: LIBERO HDF5 files, `.npy` files, or directories holding them. */
  readonly data: readonly string[];
  /** --variant robust|naive (default robust). */
  readonly variant: RfsqVariant;
  /** --layers (default 8). */
  readonly layers: number;
  /** --levels: one K (default 7) or a per-latent-dim list such as 8,5,5,5 (then --latent-dim is its length). */
  readonly levels: readonly number[];
  /** --latent-dim H (default 7). */
  readonly latentDim: number;
  /** --chunk C (default 8). */
  readonly chunk: number;
  /** --stride between chunk starts (default 1). */
  readonly stride: number;
  /** --action-dim A (default 7). */
  readonly actionDim: number;
  /** --epochs (default 30); with --resume, the total to reach. */
  readonly epochs: number;
  /** --batch-size (default 128). */
  readonly batchSize: number;
  /** --lr Adam learning rate (default 1e-3). */
  readonly learningRate: number;
  /** --hidden encoder widths, decoder mirrored (default 256,256). */
  readonly hidden: readonly number[];
  /** --seed (default 0). */
  readonly seed: number;
  /** --out directory. */
  readonly out: string;
  /** --resume from `<out>.partial/checkpoint` or a finished `<out>`. */
  readonly resume: boolean;
  /** --backend tensorflow|wasm|cpu (default: the fastest that starts). */
  readonly backend?: TfBackendName;
  /** --eval-fraction of chunks held out for report.json (default 0.1). */
  readonly evalFraction: number;
  /** Robust only: layer scale = rangeFactor · running std of the residual (default 1.6). */
  readonly rangeFactor: number;
  /** Robust only: running statistics are frozen after this fraction of the epochs (default 0.8). */
  readonly freezeFraction: number;
  /** Running-statistics momentum per step (default 0.95). */
  readonly momentum: number;
}

export const TRAIN_DEFAULTS: Omit<TrainRfsqOptions, 'data' | 'out'> = {
  variant: 'robust',
  layers: 8,
  levels: [7],
  latentDim: 7,
  chunk: 8,
  stride: 1,
  actionDim: 7,
  epochs: 30,
  batchSize: 128,
  learningRate: 1e-3,
  hidden: [256, 256],
  seed: 0,
  resume: false,
  evalFraction: 0.1,
  rangeFactor: 1.6,
  freezeFraction: 0.8,
  momentum: 0.95,
};

/** Checks every option; a bad one is an RfsqError (INVALID_CONFIG) naming the flag. */
export function validateTrainOptions(o: TrainRfsqOptions): void {
  const fail = (flag: string, why: string): never => {
    throw new RfsqError('INVALID_CONFIG', `--${flag} ${why}`, { subject: `--${flag}` });
  };
  if (!RFSQ_VARIANTS.includes(o.variant)) fail('variant', `must be robust or naive, got ${JSON.stringify(o.variant)}`);
  const int = (v: number, flag: string, min: number) => {
    if (!Number.isInteger(v) || v < min) fail(flag, `must be an integer >= ${min}, got ${v}`);
  };
  int(o.layers, 'layers', 1);
  int(o.latentDim, 'latent-dim', 1);
  int(o.chunk, 'chunk', 1);
  int(o.stride, 'stride', 1);
  int(o.actionDim, 'action-dim', 1);
  int(o.epochs, 'epochs', 1);
  int(o.batchSize, 'batch-size', 1);
  int(o.seed, 'seed', 0);
  if (o.levels.length === 0 || o.levels.some((k) => !Number.isInteger(k) || k < 2)) fail('levels', `must be integers >= 2, got ${o.levels.join(',')}`);
  if (o.levels.length > 1 && o.levels.length !== o.latentDim) fail('levels', `lists ${o.levels.length} levels but --latent-dim is ${o.latentDim}`);
  if (o.hidden.length === 0 || o.hidden.some((h) => !Number.isInteger(h) || h < 1)) fail('hidden', 'must be integers >= 1');
  if (!(o.learningRate > 0)) fail('lr', `must be > 0, got ${o.learningRate}`);
  if (!(o.evalFraction >= 0 && o.evalFraction < 1)) fail('eval-fraction', 'must be in [0, 1)');
  if (!(o.rangeFactor > 0)) fail('range-factor', 'must be > 0');
  if (!(o.freezeFraction >= 0 && o.freezeFraction <= 1)) fail('freeze-fraction', 'must be in [0, 1]');
  if (!(o.momentum >= 0 && o.momentum < 1)) fail('momentum', 'must be in [0, 1)');
  if (o.data.length === 0) fail('data', 'is required (LIBERO .hdf5 files, .npy files or directories)');
  if (o.out === '') fail('out', 'is required');
}
