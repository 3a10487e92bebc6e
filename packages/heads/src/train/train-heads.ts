import type * as TfModule from '@tensorflow/tfjs';
import { mkdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import * as ort from 'onnxruntime-node';
import { restoreAdamState } from '@rsd/rfsq';
import { HeadsError } from '../errors/heads-error.ts';
import { exportMainPrefixDraftOnnx } from '../export/export-main-prefix-draft-onnx.ts';
import type { HeadsConfig } from '../heads-config.ts';
import { DraftHeadTf } from '../model/draft-head-tf.ts';
import { draftFromMainLayer0, draftFromMainLayer0Check, draftLayer0FrozenMasks } from '../model/draft-from-main.ts';
import { MainHeadTf } from '../model/main-head-tf.ts';
import type { Tf } from '../model/tf-dense.ts';
import { randomHeadWeights } from '../testing/random-head-weights.ts';
import { acceptanceReport, type AcceptanceReport } from './acceptance-report.ts';
import { crossEntropy, softCrossEntropy } from './cross-entropy.ts';
import { distillationTargets } from './distillation-targets.ts';
import { checkDatasetAgainstConfig, type FeatureDataset } from './feature-dataset.ts';
import { argmaxAt, draftArgmax } from './greedy-decode.ts';
import { gatherRows, minibatches, shuffled } from './minibatches.ts';
import { checkPrefixNoise, corruptPrefix, type PrefixNoise } from './prefix-noise.ts';
import { loadTrainState, saveTrainState, type TrainState } from './train-checkpoint.ts';
import { writeTrainedHeads, type TrainedFiles } from './write-trained-heads.ts';

export type { TrainedFiles } from './write-trained-heads.ts';

export interface TrainHeadsOptions {
  readonly config: HeadsConfig;
  readonly data: FeatureDataset;
  /** Output folder: main.onnx, draft.onnx, main/draft.safetensors, heads.json, report.json, checkpoint. */
  readonly outDir: string;
  readonly mainEpochs: number;
  readonly draftEpochs: number;
  readonly batchSize: number;
  readonly learningRate: number;
  /** Default 0. */
  readonly seed?: number;
  /** Share of samples held out for validation (0 < v < 1; default 0.1). */
  readonly valFraction?: number;
  /** Continue from `outDir/checkpoint.safetensors` when it exists (default false). */
  readonly resume?: boolean;
  /**
   * Weight of the soft distillation term: cross-entropy of the draft against the softmax of the
   * main head's logits at each greedy step, added to the hard cross-entropy against main's greedy
   * tokens. 0 = hard targets only; default 1.
   */
  readonly softWeight?: number;
  /**
   * How the draft starts: `main` copies the trained main head's layer-0 path into it
   * ({@link draftFromMainLayer0}: layer-0 agreement is exact before distillation; needs
   * draftDepth = mainDepth and draftWidth >= ceil(mainWidth / L)), `random` keeps the seeded
   * init, `auto` (default) uses `main` when the config allows it. The choice is logged.
   */
  readonly draftInit?: 'auto' | 'main' | 'random';
  /**
   * Main head trained on corrupted prefixes towards the clean tokens ({@link PrefixNoise}), so
   * that its guesses for deeper layers survive a wrong prefix; omitted = plain teacher forcing.
   */
  readonly prefixNoise?: PrefixNoise;
  /**
   * Which draft the bundle gets: `trained` (default) distils the draft head (draftWidth,
   * draftDepth, draftEpochs) towards main's greedy tokens; `main-prefix` skips that and exports
   * the main head's own first k = draftLayers layers, decoded greedily in one graph
   * ({@link exportMainPrefixDraftOnnx}): exact by construction, no draft weights to train.
   */
  readonly draft?: 'trained' | 'main-prefix';
}

export interface TrainHeadsDeps {
  readonly tf: Tf;
  /** Name of the TF.js backend in use (printed and recorded). */
  readonly backend: string;
  readonly log: (line: string) => void;
  /**
   * Within-epoch progress (a TTY status line); called with '' to clear it before each epoch's
   * log line. Omit when output is piped: then only one line per epoch is printed.
   */
  readonly progress?: (line: string) => void;
}

export interface TrainReport {
  readonly backend: string;
  readonly samples: { readonly train: number; readonly val: number };
  /** Main head, teacher forcing on ground truth: validation loss and per-layer token accuracy. */
  readonly main: { readonly valLoss: number; readonly valAccuracyPerLayer: number[] };
  /** Draft vs the main head's greedy tokens on the validation split (exact-mode acceptance). */
  readonly draftVsMainGreedy: AcceptanceReport;
  readonly history: readonly unknown[];
  /** Which draft draft.onnx holds ({@link TrainHeadsOptions.draft}). */
  readonly draft: 'trained' | 'main-prefix';
}

export interface TrainHeadsResult {
  readonly report: TrainReport;
  readonly files: TrainedFiles;
}

const CONFIG_FIELDS = [
  'F',
  'C',
  'H',
  'L',
  'K',
  'draftLayers',
  'mainWidth',
  'mainDepth',
  'draftWidth',
  'draftDepth',
] as const;

async function exists(path: string): Promise<boolean> {
  return stat(path).then(
    () => true,
    () => false,
  );
}

/**
 * Trains both heads on a feature dataset:
 * 1. main head, teacher forcing on the ground-truth tokens (cross-entropy over all L layers);
 * 2. greedy decoding of every sample with the trained main head (what the engine's baseline
 *    outputs);
 * 3. draft head distilled towards those greedy tokens (layers 0..k−1): cross-entropy against
 *    main's greedy tokens plus `softWeight` × cross-entropy against main's softmax at each
 *    greedy step.
 * Reports per-layer agreement of draft vs main greedy on the validation split (the acceptance
 * the engine will see) and the expected accepted layers / main passes. A checkpoint is written
 * after every epoch; `resume` continues from it. Writes ONNX and PyTorch-named safetensors.
 */
export async function trainHeads(given: TrainHeadsOptions, deps: TrainHeadsDeps): Promise<TrainHeadsResult> {
  const options = {
    ...given,
    seed: given.seed ?? 0,
    valFraction: given.valFraction ?? 0.1,
    resume: given.resume ?? false,
    softWeight: given.softWeight ?? 1,
    draftInit: given.draftInit ?? 'auto',
    draft: given.draft ?? 'trained',
  };
  const { config: cfg, data, outDir } = options;
  const { tf, log } = deps;
  for (const f of ['mainEpochs', 'draftEpochs', 'batchSize'] as const) {
    const v = options[f];
    if (!Number.isInteger(v) || v < (f === 'batchSize' ? 1 : 0))
      throw new RangeError(`options.${f} must be a non-negative integer, got ${v}`);
  }
  if (!(options.softWeight >= 0)) throw new RangeError(`options.softWeight must be >= 0, got ${options.softWeight}`);
  if (!(options.learningRate > 0))
    throw new RangeError(`options.learningRate must be > 0, got ${options.learningRate}`);
  if (!(options.valFraction > 0 && options.valFraction < 1))
    throw new RangeError(`options.valFraction must be in (0, 1), got ${options.valFraction}`);
  checkDatasetAgainstConfig(data, cfg);
  if (options.prefixNoise !== undefined) checkPrefixNoise(options.prefixNoise, 'options.prefixNoise');
  if (options.draft !== 'trained' && options.draft !== 'main-prefix') {
    throw new RangeError(`options.draft must be "trained" or "main-prefix", got ${JSON.stringify(options.draft)}`);
  }
  const prefixDraft = options.draft === 'main-prefix';
  if (options.draftInit === 'main' && !prefixDraft) draftFromMainLayer0Check(cfg);
  if (data.N < 2)
    throw new HeadsError('INVALID_SHAPE', 'dataset: at least 2 samples are needed (train + validation)', {
      subject: 'dataset#N',
    });
  const { C, H, L, K, F } = cfg;
  const P = C * H;
  const k = cfg.draftLayers;
  const order = shuffled(
    Array.from({ length: data.N }, (_, i) => i),
    options.seed,
  );
  const nVal = Math.min(data.N - 1, Math.max(1, Math.round(data.N * options.valFraction)));
  const val = order.slice(0, nVal);
  const train = order.slice(nVal);
  await mkdir(outDir, { recursive: true });
  const ckptPath = join(outDir, 'checkpoint.safetensors');

  let state: TrainState;
  if (options.resume && (await exists(ckptPath))) {
    state = await loadTrainState(ckptPath);
    if (CONFIG_FIELDS.some((f) => state.config[f] !== cfg[f])) {
      throw new HeadsError(
        'CHECKPOINT_MISMATCH',
        `${ckptPath}: saved for config ${JSON.stringify(state.config)}, not ${JSON.stringify(cfg)}`,
        {
          subject: `${ckptPath}#config`,
        },
      );
    }
    log(`[heads] resuming from ${ckptPath}: phase ${state.phase}, ${state.epoch} epoch(s) done`);
  } else {
    const w = randomHeadWeights(cfg, options.seed);
    state = { phase: 'main', epoch: 0, config: cfg, main: w.main, draft: w.draft, optimizer: [], history: [] };
  }
  log(
    `[heads] backend ${deps.backend}; ${train.length} train / ${val.length} val samples; C=${C} H=${H} L=${L} K=${K} F=${F} k=${k}`,
  );
  const main = new MainHeadTf(tf, cfg, state.main);
  const copyable = cfg.draftDepth === cfg.mainDepth && cfg.draftWidth >= Math.ceil(cfg.mainWidth / L);
  const draftInit = options.draftInit === 'auto' ? (copyable ? 'main' : 'random') : options.draftInit;
  // a checkpoint taken during distillation holds the copied path already: keep it frozen
  let draft = new DraftHeadTf(
    tf,
    cfg,
    state.draft,
    state.phase === 'draft' && draftInit === 'main' ? draftLayer0FrozenMasks(cfg) : {},
  );
  const history = [...state.history];
  try {
    const makeOptimizer = async (saved: TrainState['optimizer']) => {
      const opt = tf.train.adam(options.learningRate);
      // not plain setWeights: it would reset Adam's bias-correction powers to pow(β, t+1), off in the last bits
      await restoreAdamState(tf, opt, saved);
      return opt;
    };
    const checkpoint = async (phase: TrainState['phase'], epoch: number, opt: TfModule.Optimizer | undefined) => {
      const optimizer =
        opt === undefined
          ? []
          : (await opt.getWeights()).map((w) => ({
              shape: w.tensor.shape,
              data: Float32Array.from(w.tensor.dataSync()),
            }));
      await saveTrainState(ckptPath, {
        phase,
        epoch,
        config: cfg,
        main: main.weights(),
        draft: draft.weights(),
        optimizer,
        history,
      });
    };
    const batchTensors = (rows: number[]) => ({
      f: tf.tensor2d(
        gatherRows(data.features, F, rows, (n) => new Float32Array(n)),
        [rows.length, F],
      ),
      t: tf.tensor4d(
        gatherRows(data.tokens, P * L, rows, (n) => new Int32Array(n)),
        [rows.length, C, H, L],
        'int32',
      ),
    });

    const mainMetrics = () => {
      let loss = 0;
      const correct = new Array<number>(L).fill(0);
      for (const rows of minibatches(val, 256)) {
        const { f, t } = batchTensors(rows);
        const logits = main.apply(f, t);
        // tidy: the cross-entropy's intermediates ([rows·C·H·L, K] one-hots) would otherwise leak every epoch
        loss += tf.tidy(() => crossEntropy(tf, logits, t, K).dataSync()[0]!) * rows.length;
        const lv = logits.dataSync() as Float32Array;
        const tv = t.dataSync() as Int32Array;
        for (let i = 0; i < tv.length; i++) if (argmaxAt(lv, i * K, K) === tv[i]) correct[i % L]!++;
        tf.dispose([f, t, logits]);
      }
      return { valLoss: loss / val.length, valAccuracyPerLayer: correct.map((c) => c / (val.length * P)) };
    };

    // 1. main head, teacher forcing
    if (
      state.phase !== 'main' &&
      options.mainEpochs > 0 &&
      history.filter((h) => (h as { phase?: string }).phase === 'main').length < options.mainEpochs
    ) {
      log(`[heads] the checkpoint's main phase is finished; mainEpochs ${options.mainEpochs} is ignored`);
    }
    if (state.phase === 'main') {
      const opt = await makeOptimizer(state.optimizer);
      for (let epoch = state.epoch; epoch < options.mainEpochs; epoch++) {
        let sum = 0;
        const mainBatches = minibatches(shuffled(train, options.seed + 7919 * (epoch + 1)), options.batchSize);
        for (const [bi, rows] of mainBatches.entries()) {
          deps.progress?.(
            `[heads] main  epoch ${epoch + 1}/${options.mainEpochs} batch ${bi + 1}/${mainBatches.length}`,
          );
          const { f, t } = batchTensors(rows);
          // the head reads the (maybe corrupted) prefix; the loss always targets the clean tokens
          const input =
            options.prefixNoise === undefined
              ? t
              : tf.tensor4d(
                  corruptPrefix(gatherRows(data.tokens, P * L, rows, (n) => new Int32Array(n)), rows.length, P, L, K, options.prefixNoise, options.seed + 7919 * (epoch + 1) + 31 * bi),
                  [rows.length, C, H, L],
                  'int32',
                );
          const cost = opt.minimize(() => crossEntropy(tf, main.apply(f, input), t, K), true, main.variables)!;
          sum += cost.dataSync()[0]! * rows.length;
          tf.dispose(input === t ? [f, t, cost] : [f, t, input, cost]);
        }
        deps.progress?.('');
        const m = mainMetrics();
        history.push({ phase: 'main', epoch: epoch + 1, trainLoss: sum / train.length, ...m });
        log(
          `[heads] main  epoch ${epoch + 1}/${options.mainEpochs} loss ${(sum / train.length).toFixed(4)} val ${m.valLoss.toFixed(4)} acc/layer ${m.valAccuracyPerLayer.map((a) => a.toFixed(3)).join(' ')}`,
        );
        await checkpoint('main', epoch + 1, opt);
      }
      opt.dispose();
      // the checkpoint stays at phase "main" until a draft epoch is done, so a larger
      // mainEpochs can still continue it
      state = { ...state, phase: 'draft', epoch: 0, optimizer: [] };
      if (prefixDraft) {
        log(`[heads] draft: the main head's own first ${k} layer(s), decoded greedily in one graph (main-prefix; nothing to train)`);
      } else if (draftInit === 'main') {
        const copied = draftFromMainLayer0(cfg, main.weights(), draft.weights());
        draft.dispose();
        draft = new DraftHeadTf(tf, cfg, copied, draftLayer0FrozenMasks(cfg));
      }
      if (!prefixDraft) {
        log(
          `[heads] draft init: ${draftInit === 'main' ? "main head's layer-0 path copied (kept frozen)" : 'random'} (draftInit ${options.draftInit})`,
        );
      }
    }

    // 2. the main head's greedy tokens of every sample (the distillation target)
    // (a main-prefix draft is not trained: main's greedy tokens are needed for its report only, on
    // the validation rows)
    const { greedy, draftTokens, softTargets } = prefixDraft
      ? await (async () => {
          const valTargets = await distillationTargets(cfg, main.weights(), gatherRows(data.features, F, val, (n) => new Float32Array(n)), val.length);
          const full = new Int32Array(data.N * P * L);
          val.forEach((r, i) => full.set(valTargets.greedy.subarray(i * P * L, (i + 1) * P * L), r * P * L));
          return { greedy: full, draftTokens: new Int32Array(0), softTargets: new Float32Array(0) };
        })()
      : await distillationTargets(cfg, main.weights(), data.features, data.N);

    const prefixDraftOnnx = (): Uint8Array => exportMainPrefixDraftOnnx(cfg, main.weights(), k);
    const draftAcceptance = async (rowsAll: readonly number[]) => {
      const d = new Int32Array(rowsAll.length * P * k);
      let at = 0;
      // the main-prefix draft is measured as the engine runs it: its ONNX graph in ONNX Runtime
      const session = prefixDraft ? await ort.InferenceSession.create(prefixDraftOnnx(), { intraOpNumThreads: 1 }) : undefined;
      for (const rows of minibatches(rowsAll, 256)) {
        if (session !== undefined) {
          const f = new ort.Tensor('float32', gatherRows(data.features, F, rows, (n) => new Float32Array(n)), [rows.length, F]);
          const tok = draftArgmax(cfg, (await session.run({ features: f }))['logits']!.data as Float32Array);
          d.set(tok, at);
          at += tok.length;
          continue;
        }
        const f = tf.tensor2d(
          gatherRows(data.features, F, rows, (n) => new Float32Array(n)),
          [rows.length, F],
        );
        const logits = draft.apply(f);
        const tok = draftArgmax(cfg, logits.dataSync() as Float32Array);
        d.set(tok, at);
        at += tok.length;
        tf.dispose([f, logits]);
      }
      await session?.release();
      return acceptanceReport(
        d,
        gatherRows(greedy, P * L, rowsAll, (n) => new Int32Array(n)),
        rowsAll.length,
        P,
        k,
        L,
      );
    };

    // 3. draft head distilled towards main greedy
    if (state.phase === 'draft' && !prefixDraft) {
      const opt = await makeOptimizer(state.optimizer);
      for (let epoch = state.epoch; epoch < options.draftEpochs; epoch++) {
        let sum = 0;
        const draftBatches = minibatches(shuffled(train, options.seed + 104729 * (epoch + 1)), options.batchSize);
        for (const [bi, rows] of draftBatches.entries()) {
          deps.progress?.(
            `[heads] draft epoch ${epoch + 1}/${options.draftEpochs} batch ${bi + 1}/${draftBatches.length}`,
          );
          const f = tf.tensor2d(
            gatherRows(data.features, F, rows, (n) => new Float32Array(n)),
            [rows.length, F],
          );
          const t = tf.tensor4d(
            gatherRows(draftTokens, P * k, rows, (n) => new Int32Array(n)),
            [rows.length, C, H, k],
            'int32',
          );
          const soft = tf.tensor2d(
            gatherRows(softTargets, P * k * K, rows, (n) => new Float32Array(n)),
            [rows.length * P * k, K],
          );
          const cost = opt.minimize(
            () =>
              tf.tidy(() => {
                const logits = draft.apply(f);
                const hard = crossEntropy(tf, logits, t, K);
                if (options.softWeight === 0) return hard;
                return tf.add(
                  hard,
                  tf.mul(softCrossEntropy(tf, logits, soft, K), options.softWeight),
                ) as TfModule.Scalar;
              }),
            true,
            draft.variables,
          )!;
          sum += cost.dataSync()[0]! * rows.length;
          tf.dispose([f, t, soft, cost]);
        }
        deps.progress?.('');
        const a = await draftAcceptance(val);
        history.push({
          phase: 'draft',
          epoch: epoch + 1,
          trainLoss: sum / train.length,
          valPositionAgreement: a.positionAgreement,
          expectedAcceptedLayers: a.expectedAcceptedLayers,
        });
        log(
          `[heads] draft epoch ${epoch + 1}/${options.draftEpochs} loss ${(sum / train.length).toFixed(4)} val agreement/layer ${a.positionAgreement.map((x) => x.toFixed(3)).join(' ')} accepted ${a.expectedAcceptedLayers.toFixed(2)}`,
        );
        await checkpoint('draft', epoch + 1, opt);
      }
      opt.dispose();
    }

    const report: TrainReport = {
      backend: deps.backend,
      samples: { train: train.length, val: val.length },
      main: mainMetrics(),
      draftVsMainGreedy: await draftAcceptance(val),
      history,
      draft: options.draft,
    };
    const files = await writeTrainedHeads(
      outDir,
      cfg,
      { main: main.weights(), draft: draft.weights() },
      report,
      prefixDraft ? { draftOnnx: prefixDraftOnnx() } : {},
    );
    const acc = report.draftVsMainGreedy;
    log(
      `[heads] draft vs main greedy (val): agreement/layer ${acc.positionAgreement.map((x) => x.toFixed(3)).join(' ')}; whole layer ${acc.layerAgreement.map((x) => x.toFixed(3)).join(' ')}`,
    );
    log(
      `[heads] expected accepted layers ${acc.expectedAcceptedLayers.toFixed(2)} of ${k}; main passes ${acc.expectedMainPasses.toFixed(2)} vs ${L} baseline (×${acc.mainPassSpeedup.toFixed(2)})`,
    );
    return { report, files };
  } finally {
    main.dispose();
    draft.dispose();
  }
}
