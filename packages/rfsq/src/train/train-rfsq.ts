import { existsSync, mkdirSync, readdirSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { computeActionNormalization, normalizeActions } from '../core/action-normalization.ts';
import type { ActionNormalization } from '../core/action-normalization.ts';
import { initDenseLayers } from '../core/init-dense-layers.ts';
import { rfsqConfig } from '../core/rfsq-config.ts';
import type { RfsqConfig } from '../core/rfsq-config.ts';
import type { RfsqParams } from '../core/rfsq-params.ts';
import { RFSQ_FORMAT } from '../core/rfsq-params.ts';
import { loadActionDataset } from '../data/load-action-dataset.ts';
import { RfsqError } from '../errors/rfsq-error.ts';
import { renderReportSvg } from '../io/report-svg.ts';
import { computeRfsqReport } from '../io/rfsq-report.ts';
import type { RfsqReport } from '../io/rfsq-report.ts';
import { loadRfsqParams, RFSQ_JSON_FILE, RFSQ_WEIGHTS_FILE, serializeRfsqParams, sha256Hex } from '../io/rfsq-json.ts';
import type { StoredTensor } from '../io/rfsq-json.ts';
import { exportRfsqOnnx, RFSQ_DECODER_FILE, RFSQ_ENCODER_FILE } from '../onnx/export-rfsq-onnx.ts';
import { verifyRfsqOnnx } from '../onnx/verify-rfsq-onnx.ts';
import { RfsqTfModel } from '../tf/rfsq-tf-model.ts';
import { selectTfBackend } from '../tf/select-tf-backend.ts';
import type { SelectedTfBackend } from '../tf/select-tf-backend.ts';
import { SeededPrng } from '../util/seeded-prng.ts';
import type { ProgressSink } from './progress-reporter.ts';
import { runTrainLoop } from './train-loop.ts';
import type { TrainRfsqOptions } from './train-options.ts';
import { validateTrainOptions } from './train-options.ts';

export interface TrainRfsqDeps {
  readonly log: (line: string) => void;
  readonly progress: ProgressSink;
  readonly selectBackend?: () => Promise<SelectedTfBackend>;
  readonly now?: () => number;
}

export interface TrainRfsqResult {
  readonly out: string;
  readonly files: readonly string[];
  readonly backend: string;
  readonly epochs: number;
  readonly epochLosses: readonly number[];
  readonly samplesPerSecond: number;
  readonly report: RfsqReport;
}

export const REPORT_JSON_FILE = 'report.json';
export const REPORT_SVG_FILE = 'report.svg';

/**
 * Trains a tokenizer and writes `rfsq_encoder.onnx`, `rfsq_decoder.onnx`, `rfsq.json` (+
 * `rfsq_weights.bin`), `report.json` and `report.svg` to `options.out`. All inputs are checked
 * before anything is written; outputs are written to a temporary directory and renamed into
 * place at the end, so a failed run leaves `out` as it was. Per-epoch checkpoints go to
 * `<out>.partial/checkpoint` (used by `resume`, removed on success).
 */
export async function trainRfsq(options: TrainRfsqOptions, deps: TrainRfsqDeps): Promise<TrainRfsqResult> {
  const now = deps.now ?? (() => performance.now());
  validateTrainOptions(options);
  const out = resolve(options.out);
  if (existsSync(out) && !statSync(out).isDirectory()) {
    throw new RfsqError('INVALID_CONFIG', `--out ${out} is a file, not a directory`, { subject: '--out' });
  }
  if (existsSync(out) && readdirSync(out).length > 0 && !existsSync(join(out, RFSQ_JSON_FILE))) {
    throw new RfsqError('INVALID_CONFIG', `--out ${out} exists and is not an RFSQ output (no ${RFSQ_JSON_FILE}); refusing to replace it`, {
      subject: '--out',
    });
  }
  const partial = `${out}.partial`;
  const checkpointDir = join(partial, 'checkpoint');
  const H = options.levels.length > 1 ? options.levels.length : options.latentDim;
  const config = rfsqConfig({
    C: options.chunk, A: options.actionDim, H, L: options.layers,
    levels: options.levels.length > 1 ? options.levels : Array.from({ length: H }, () => options.levels[0]!),
    variant: options.variant, hidden: options.hidden,
  });
  const data = await loadActionDataset(options.data, { A: config.A, C: config.C, stride: options.stride });

  let resumed: { params: RfsqParams; epochsDone: number; from: string; optimizerState?: StoredTensor[] } | undefined;
  if (options.resume) {
    const from = existsSync(join(checkpointDir, RFSQ_JSON_FILE)) ? checkpointDir : existsSync(join(out, RFSQ_JSON_FILE)) ? out : undefined;
    if (!from) throw new RfsqError('IO_ERROR', `--resume: no checkpoint in ${checkpointDir} and no ${RFSQ_JSON_FILE} in ${out}`, { subject: '--resume' });
    const { params, json, extraTensors } = loadRfsqParams(from);
    checkSameConfig(params.config, config, join(from, RFSQ_JSON_FILE));
    const epochsDone = Number((json.training as { epochs?: unknown } | undefined)?.epochs ?? 0);
    const adam = [...extraTensors.entries()].filter(([name]) => name.startsWith('optimizer.'));
    resumed = { params, epochsDone, from, ...(adam.length > 0 ? { optimizerState: adam.map(([, t]) => t) } : {}) };
    deps.log(`[rfsq] resuming from ${from} after ${epochsDone} epochs`);
  }
  const actionNormalization: ActionNormalization = resumed?.params.actionNormalization ?? computeActionNormalization(data.rows, config.A);
  const { train, evaluation } = splitChunks(data.chunks, data.N, config, options);

  const selected = await (deps.selectBackend ?? (() => selectTfBackend({ prefer: options.backend, log: deps.log })))();
  const { tf } = selected;
  const initial = resumed?.params ?? initialParams(config, actionNormalization, options.seed);
  const model = new RfsqTfModel(tf, initial);
  const provenance = {
    data: { files: data.sources, chunks: data.N, stride: options.stride, train_chunks: train.length / (config.C * config.A), eval_chunks: evaluation.length / (config.C * config.A) },
  };
  let epochLosses: number[] = [];
  try {
    const loop = await runTrainLoop(
      tf,
      model,
      normalizeActions(train, actionNormalization),
      {
        startEpoch: Math.min(resumed?.epochsDone ?? 0, options.epochs),
        epochs: options.epochs,
        batchSize: options.batchSize,
        learningRate: options.learningRate,
        seed: options.seed,
        rangeFactor: options.rangeFactor,
        freezeFraction: options.freezeFraction,
        momentum: options.momentum,
        calibrate: resumed === undefined,
        ...(resumed?.optimizerState ? { optimizerState: resumed.optimizerState } : {}),
        onEpoch: (epoch, loss, adam) => {
          epochLosses.push(loss);
          const state = new Map(adam.map((t, i) => [`optimizer.${String(i).padStart(4, '0')}`, t] as const));
          writeDir(
            checkpointDir,
            serializeRfsqParams(model.toParams(actionNormalization), { training: { epochs: epoch + 1, seed: options.seed, losses: epochLosses }, ...provenance }, state),
          );
        },
      },
      deps.progress,
      now,
    );
    epochLosses = loop.epochLosses;
    const samplesPerSecond = loop.samples / Math.max(loop.trainMs / 1000, 1e-9);
    const params = model.toParams(actionNormalization);
    const report = computeRfsqReport(params, evaluation);
    const onnx = exportRfsqOnnx(params);
    await verifyRfsqOnnx(params, onnx, evaluation.subarray(0, Math.min(256, evaluation.length / (config.C * config.A)) * config.C * config.A));
    const files: Record<string, Uint8Array | string> = {
      [RFSQ_ENCODER_FILE]: onnx.encoder,
      [RFSQ_DECODER_FILE]: onnx.decoder,
    };
    const { json, weights } = serializeRfsqParams(params, {
      training: {
        epochs: options.epochs, seed: options.seed, batch_size: options.batchSize, learning_rate: options.learningRate,
        range_factor: options.rangeFactor, freeze_fraction: options.freezeFraction, momentum: options.momentum,
        backend: selected.backend, samples_per_second: samplesPerSecond, losses: epochLosses,
        resumed_from: resumed?.from ?? null, finished_at: new Date().toISOString(),
      },
      ...provenance,
      files: { [RFSQ_ENCODER_FILE]: { sha256: sha256Hex(onnx.encoder) }, [RFSQ_DECODER_FILE]: { sha256: sha256Hex(onnx.decoder) } },
    });
    files[RFSQ_JSON_FILE] = json;
    files[RFSQ_WEIGHTS_FILE] = weights;
    files[REPORT_JSON_FILE] = JSON.stringify(report, null, 2) + '\n';
    files[REPORT_SVG_FILE] = renderReportSvg([{ label: config.variant, report }]);
    const staging = join(partial, 'final');
    writeFiles(staging, files);
    if (existsSync(out)) rmSync(out, { recursive: true });
    mkdirSync(dirname(out), { recursive: true });
    renameSync(staging, out);
    rmSync(partial, { recursive: true, force: true });
    return { out, files: Object.keys(files), backend: selected.backend, epochs: options.epochs, epochLosses, samplesPerSecond, report };
  } finally {
    model.dispose();
  }
}

function checkSameConfig(saved: RfsqConfig, wanted: RfsqConfig, file: string): void {
  for (const key of ['C', 'A', 'H', 'L', 'K', 'variant', 'levels', 'hidden'] as const) {
    if (JSON.stringify(saved[key]) !== JSON.stringify(wanted[key])) {
      throw new RfsqError('INVALID_CONFIG', `${file}: field "config.${key}" is ${JSON.stringify(saved[key])} but the flags ask for ${JSON.stringify(wanted[key])}`, {
        subject: `${file}#config.${key}`,
      });
    }
  }
}

function initialParams(config: RfsqConfig, actionNormalization: ActionNormalization, seed: number): RfsqParams {
  const rng = new SeededPrng(seed);
  const { C, A, H, L } = config;
  return {
    format: RFSQ_FORMAT,
    config,
    actionNormalization,
    layerScales: Array.from({ length: L }, () => 1),
    layerShifts: Array.from({ length: L }, () => 0),
    encoder: initDenseLayers([C * A, ...config.hidden, C * H], rng),
    decoder: initDenseLayers([C * H, ...[...config.hidden].reverse(), C * A], rng),
  };
}

/** A seeded held-out split of chunks (all chunks serve both when fewer than 10). */
function splitChunks(chunks: Float32Array, N: number, config: RfsqConfig, options: TrainRfsqOptions) {
  const width = config.C * config.A;
  const nEval = N < 10 || options.evalFraction === 0 ? 0 : Math.max(1, Math.round(N * options.evalFraction));
  if (nEval === 0) return { train: chunks, evaluation: chunks };
  const order = Int32Array.from({ length: N }, (_, i) => i);
  new SeededPrng(options.seed + 1).shuffle(order);
  const take = (idx: Int32Array) => {
    const outArr = new Float32Array(idx.length * width);
    idx.forEach((n, i) => outArr.set(chunks.subarray(n * width, (n + 1) * width), i * width));
    return outArr;
  };
  return { evaluation: take(order.subarray(0, nEval)), train: take(order.subarray(nEval)) };
}

function writeDir(dir: string, saved: { json: string; weights: Uint8Array }): void {
  writeFiles(dir, { [RFSQ_JSON_FILE]: saved.json, [RFSQ_WEIGHTS_FILE]: saved.weights });
}

function writeFiles(dir: string, files: Record<string, Uint8Array | string>): void {
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  for (const [name, content] of Object.entries(files)) writeFileSync(join(dir, name), content);
}
