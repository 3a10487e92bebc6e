import { parseArgs } from 'node:util';
import type { TfBackendName } from '../tf/select-tf-backend.ts';
import type { TrainRfsqOptions } from '../train/train-options.ts';
import { TRAIN_DEFAULTS } from '../train/train-options.ts';
import type { RfsqVariant } from '../core/rfsq-config.ts';
import { userPath } from './user-path.ts';

export const TRAIN_HELP = `rfsq train — train an RFSQ action tokenizer and export it to ONNX

Usage: npx nx run rfsq:train --data <file|dir>... --out <dir> [options]
       (Nx answers --help itself: use 'npx nx run rfsq:train -- --help')

  --data <path>        LIBERO HDF5 demos (data/demo_*/actions), .npy [T,A] episodes or
                       [N,C,A] chunks, or directories of them (repeatable, or comma-separated)
  --out <dir>          output: rfsq_encoder.onnx, rfsq_decoder.onnx, rfsq.json,
                       rfsq_weights.bin, report.json, report.svg
  --variant <v>        robust | naive                       (default robust)
  --layers <L>         residual layers                      (default 8)
  --levels <K|list>    FSQ levels: 7, or per latent dim 8,5,5,5 (default 7)
  --latent-dim <H>     latent dims per step                 (default 7)
  --chunk <C>          steps per chunk                      (default 8)
  --stride <s>         steps between chunk starts           (default 1)
  --action-dim <A>     action width                         (default 7)
  --epochs <n>         epochs (with --resume: total to reach) (default 30)
  --batch-size <n>     (default 128); alias --bs <n>: Nx keeps --batch-size for itself, so
                       through 'npx nx run' write --bs, or pass flags after '--'
  --lr <x>             Adam learning rate                   (default 0.001)
  --hidden <list>      encoder hidden widths, decoder mirrored (default 256,256)
  --seed <n>           (default 0)
  --eval-fraction <x>  chunks held out for report.json      (default 0.1)
  --range-factor <x>   robust: layer scale = x · residual std (default 1.6)
  --backend <b>        tensorflow | wasm | cpu              (default: fastest available)
  --resume             continue from <out>.partial/checkpoint or a finished <out>
  --json               print the result as JSON
  --help
`;

const list = (v: string | string[] | undefined): string[] =>
  (Array.isArray(v) ? v : v === undefined ? [] : [v]).flatMap((s) => s.split(',')).map((s) => s.trim()).filter((s) => s !== '');

function num(v: string | undefined, flag: string, fallback: number): number {
  if (v === undefined) return fallback;
  const n = Number(v);
  if (v.trim() === '' || !Number.isFinite(n)) throw new RangeError(`--${flag} must be a number, got "${v}"`);
  return n;
}

/** Parses `rfsq train` flags into options (values are checked by `trainRfsq`). */
export function parseTrainArgs(argv: readonly string[]): { options: TrainRfsqOptions; json: boolean; help: boolean } {
  const { values } = parseArgs({
    args: [...argv],
    strict: true,
    options: {
      data: { type: 'string', multiple: true },
      out: { type: 'string' },
      variant: { type: 'string' },
      layers: { type: 'string' },
      levels: { type: 'string' },
      'latent-dim': { type: 'string' },
      chunk: { type: 'string' },
      stride: { type: 'string' },
      'action-dim': { type: 'string' },
      epochs: { type: 'string' },
      'batch-size': { type: 'string' },
      bs: { type: 'string' },
      lr: { type: 'string' },
      hidden: { type: 'string' },
      seed: { type: 'string' },
      'eval-fraction': { type: 'string' },
      'range-factor': { type: 'string' },
      backend: { type: 'string' },
      resume: { type: 'boolean' },
      json: { type: 'boolean' },
      help: { type: 'boolean' },
    },
  });
  const d = TRAIN_DEFAULTS;
  if (values['batch-size'] !== undefined && values.bs !== undefined && values['batch-size'] !== values.bs) {
    throw new RangeError(`--batch-size ${values['batch-size']} and --bs ${values.bs} disagree`);
  }
  const levelList = values.levels === undefined ? d.levels : list(values.levels).map((s) => num(s, 'levels', NaN));
  const options: TrainRfsqOptions = {
    ...d,
    data: list(values.data).map((p) => userPath(p)),
    out: values.out === undefined ? '' : userPath(values.out),
    variant: (values.variant ?? d.variant) as RfsqVariant,
    layers: num(values.layers, 'layers', d.layers),
    levels: levelList,
    // a per-dim level list fixes H unless --latent-dim says otherwise (then validation names the clash)
    latentDim: num(values['latent-dim'], 'latent-dim', levelList.length > 1 ? levelList.length : d.latentDim),
    chunk: num(values.chunk, 'chunk', d.chunk),
    stride: num(values.stride, 'stride', d.stride),
    actionDim: num(values['action-dim'], 'action-dim', d.actionDim),
    epochs: num(values.epochs, 'epochs', d.epochs),
    batchSize: num(values['batch-size'] ?? values.bs, values['batch-size'] === undefined ? 'bs' : 'batch-size', d.batchSize),
    learningRate: num(values.lr, 'lr', d.learningRate),
    hidden: values.hidden === undefined ? d.hidden : list(values.hidden).map((s) => num(s, 'hidden', NaN)),
    seed: num(values.seed, 'seed', d.seed),
    evalFraction: num(values['eval-fraction'], 'eval-fraction', d.evalFraction),
    rangeFactor: num(values['range-factor'], 'range-factor', d.rangeFactor),
    resume: values.resume ?? false,
  };
  if (values.backend !== undefined) {
    if (!['tensorflow', 'wasm', 'cpu'].includes(values.backend)) throw new RangeError(`--backend must be tensorflow, wasm or cpu, got "${values.backend}"`);
    return { options: { ...options, backend: values.backend as TfBackendName }, json: values.json ?? false, help: values.help ?? false };
  }
  return { options, json: values.json ?? false, help: values.help ?? false };
}
