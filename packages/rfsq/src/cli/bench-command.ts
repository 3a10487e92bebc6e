import * as ort from 'onnxruntime-node';
import { parseArgs } from 'node:util';
import { computeActionNormalization, normalizeActions } from '../core/action-normalization.ts';
import { RfsqTokenizer } from '../core/rfsq-tokenizer.ts';
import { cutActionChunks } from '../data/action-chunks.ts';
import { exportRfsqOnnx } from '../onnx/export-rfsq-onnx.ts';
import { generateReachGraspEpisodes } from '../testing/reach-grasp-trajectories.ts';
import { randomRfsqParams } from '../testing/random-rfsq-params.ts';
import { RfsqTfModel } from '../tf/rfsq-tf-model.ts';
import { selectTfBackend } from '../tf/select-tf-backend.ts';
import type { TfBackendName } from '../tf/select-tf-backend.ts';
import { runTrainLoop } from '../train/train-loop.ts';

export const BENCH_HELP = `rfsq bench — throughput of the tokenizer (JSON on stdout)

Usage: npx nx run rfsq:bench [--seconds 1] [--train-epochs 2] [--backend wasm|cpu|tensorflow]

Measures, for C=8 A=7 H=7 L=8 K=7 with hidden 256,256 (random weights): TypeScript-core and
ONNX Runtime (CPU, 1 intra-op thread) encode/decode at batch 1 and 256, and training
samples/s of the TensorFlow.js model on generated demos with the backend in use.
`;

export interface BenchOptions {
  readonly seconds: number;
  readonly trainEpochs: number;
  readonly backend?: TfBackendName;
}

export function parseBenchArgs(argv: readonly string[]): { options: BenchOptions; help: boolean } {
  const { values } = parseArgs({
    args: [...argv],
    strict: true,
    options: { seconds: { type: 'string' }, 'train-epochs': { type: 'string' }, backend: { type: 'string' }, json: { type: 'boolean' }, help: { type: 'boolean' } },
  });
  const seconds = Number(values.seconds ?? 1);
  const trainEpochs = Number(values['train-epochs'] ?? 2);
  if (!(seconds > 0)) throw new RangeError(`--seconds must be > 0, got ${values.seconds}`);
  if (!Number.isInteger(trainEpochs) || trainEpochs < 1) throw new RangeError(`--train-epochs must be an integer >= 1`);
  const backend = values.backend as TfBackendName | undefined;
  if (backend !== undefined && !['tensorflow', 'wasm', 'cpu'].includes(backend)) throw new RangeError(`--backend must be tensorflow, wasm or cpu`);
  return { options: backend ? { seconds, trainEpochs, backend } : { seconds, trainEpochs }, help: values.help ?? false };
}

interface Rate {
  readonly batch: number;
  readonly ms_per_call: number;
  readonly chunks_per_s: number;
}

async function measure(batch: number, seconds: number, fn: () => unknown | Promise<unknown>): Promise<Rate> {
  for (let i = 0; i < 3; i++) await fn();
  let calls = 0;
  const start = performance.now();
  while (performance.now() - start < seconds * 1000) {
    await fn();
    calls++;
  }
  const ms = (performance.now() - start) / calls;
  return { batch, ms_per_call: ms, chunks_per_s: (batch * 1000) / ms };
}

/** Runs every measurement and returns them as one JSON-ready object. */
export async function runBench(options: BenchOptions, deps: { log: (line: string) => void }) {
  const params = randomRfsqParams({ C: 8, A: 7, H: 7, L: 8, K: 7, variant: 'robust', hidden: [256, 256] }, 1);
  const episodes = generateReachGraspEpisodes(40, 1);
  const chunks = Float32Array.from(episodes.flatMap((e) => Array.from(cutActionChunks(e.actions, e.T, 7, 8, 1))));
  const tok = new RfsqTokenizer(params);
  const { encoder, decoder } = exportRfsqOnnx(params);
  const sessionOptions: ort.InferenceSession.SessionOptions = { intraOpNumThreads: 1, interOpNumThreads: 1 };
  const enc = await ort.InferenceSession.create(encoder, sessionOptions);
  const dec = await ort.InferenceSession.create(decoder, sessionOptions);
  const core: Record<string, Rate> = {};
  const onnx: Record<string, Rate> = {};
  for (const B of [1, 256]) {
    const x = chunks.subarray(0, B * 56);
    const tokens = tok.encode(x);
    const tokens64 = BigInt64Array.from(tokens, (v) => BigInt(v));
    deps.log(`[rfsq bench] batch ${B}`);
    core[`encode_b${B}`] = await measure(B, options.seconds, () => tok.encode(x));
    core[`decode_b${B}`] = await measure(B, options.seconds, () => tok.decode(tokens));
    onnx[`encode_b${B}`] = await measure(B, options.seconds, () => enc.run({ actions: new ort.Tensor('float32', x, [B, 8, 7]) }));
    onnx[`decode_b${B}`] = await measure(B, options.seconds, () => dec.run({ tokens: new ort.Tensor('int64', tokens64, [B, 8, 7, 8]) }));
  }
  await enc.release();
  await dec.release();

  const selected = await selectTfBackend({ prefer: options.backend, log: deps.log });
  const norm = computeActionNormalization(chunks, 7);
  const model = new RfsqTfModel(selected.tf, { ...params, actionNormalization: norm });
  const silent = { step: () => {}, epoch: () => {}, done: () => {} };
  const train = await runTrainLoop(
    selected.tf,
    model,
    normalizeActions(chunks, norm),
    { startEpoch: 0, epochs: options.trainEpochs, batchSize: 256, learningRate: 1e-3, seed: 0, rangeFactor: 1.6, freezeFraction: 0.8, momentum: 0.95, calibrate: true },
    silent,
    () => performance.now(),
  );
  model.dispose();
  return {
    config: { C: 8, A: 7, H: 7, L: 8, K: 7, hidden: [256, 256], variant: 'robust' },
    typescript_core: core,
    onnxruntime_cpu_1thread: onnx,
    training: {
      backend: selected.backend,
      provider: selected.provider,
      batch_size: 256,
      chunks: chunks.length / 56,
      epochs: options.trainEpochs,
      samples_per_s: train.samples / (train.trainMs / 1000),
    },
    node: process.version,
  };
}
