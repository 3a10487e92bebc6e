import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { writeNpy } from '@rsd/heads';
import { createPythonFeatureClient, readDemoFile, type PythonFeatureClient } from '@rsd/libero-bridge';
import { cutActionChunks } from '@rsd/rfsq';
import { EvalError } from '../errors/eval-error.ts';
import { loadActionTokenizer, type ActionTokenizer } from './action-tokenizer.ts';

/** Options of {@link replayDemoFeatures} (`rsd-eval features`). */
export interface ReplayFeaturesOptions {
  /** LIBERO-format HDF5 demo files (one task each, `data/demo_N`). */
  readonly demos: readonly string[];
  /** The feature module (the same one evaluation hands the server: `--features`). */
  readonly features: string;
  /** `--features-config`: JSON file or inline JSON. */
  readonly featuresConfig?: string;
  /** An RFSQ folder (`rfsq.json`) or a model bundle (its `rfsq_encoder.onnx`). */
  readonly rfsq: string;
  /** Output folder: features.npy, tokens.npy, features.json. */
  readonly out: string;
  /** Where the module runs: `python` (spawn a server over stdio, default) or `tcp://host:port` (a server started with --features). */
  readonly env?: string;
  /** Observations per `features_batch` request (default 16). */
  readonly batch?: number;
  /** Use every `stride`-th step of each demo (default 1: every step). */
  readonly stride?: number;
}

/** What {@link replayDemoFeatures} wrote. */
export interface ReplayFeaturesResult {
  readonly out: string;
  /** Samples: one per used demo step. */
  readonly N: number;
  readonly F: number;
  readonly tokenShape: readonly [number, number, number];
  readonly demos: number;
  /** Milliseconds the server spent in the feature module, in total. */
  readonly featuresMs: number;
}

/** Rotates uint8 [H, W, 3] frames 180° in place (LIBERO's raw `opengl` datasets are upside down). */
function rotateFrames(data: Uint8Array, frames: number, h: number, w: number): void {
  const px = h * w;
  for (let f = 0; f < frames; f++) {
    const base = f * px * 3;
    for (let i = 0, j = px - 1; i < j; i++, j--) {
      for (let c = 0; c < 3; c++) {
        const a = base + i * 3 + c;
        const b = base + j * 3 + c;
        const t = data[a]!;
        data[a] = data[b]!;
        data[b] = t;
      }
    }
  }
}

function sha256File(path: string): string {
  return createHash('sha256').update(readFileSync(path)).digest('hex');
}

/**
 * Phase 2's data path: replays LIBERO-format demos through the server's feature module (the same
 * module evaluation uses, so training and evaluation see the same features) and writes, ready for
 * `heads:train --data <out>`:
 * - `features.npy` float32 [N, F]: the module's output for the observation of every used step,
 *   with the arguments an episode gives it (agent view and wrist upright, proprio = ee_pos ‖
 *   ee_quat ‖ gripper_qpos, the file's language instruction);
 * - `tokens.npy` int32 [N, C, H, L]: the RFSQ tokens of the action chunk starting at that step
 *   (the last action repeated past a demo's end, as `cutActionChunks` does);
 * - `features.json`: provenance (module and its sha256, config, tokenizer, demos, shapes).
 */
export async function replayDemoFeatures(options: ReplayFeaturesOptions, deps: { readonly log?: (line: string) => void } = {}): Promise<ReplayFeaturesResult> {
  const log = deps.log ?? (() => undefined);
  if (options.demos.length === 0) throw new EvalError('INVALID_FLAG', '--demos: give at least one LIBERO-format HDF5 file', { subject: 'demos' });
  for (const d of options.demos) if (!existsSync(d)) throw new EvalError('INVALID_FLAG', `--demos: ${d} does not exist`, { subject: 'demos' });
  if (!existsSync(options.features)) throw new EvalError('INVALID_FLAG', `--features: ${options.features} does not exist`, { subject: 'features' });
  const batchSize = options.batch ?? 16;
  const stride = options.stride ?? 1;
  if (!Number.isInteger(batchSize) || batchSize < 1) throw new EvalError('INVALID_FLAG', `--batch must be a positive integer, got ${batchSize}`, { subject: 'batch' });
  if (!Number.isInteger(stride) || stride < 1) throw new EvalError('INVALID_FLAG', `--stride must be a positive integer, got ${stride}`, { subject: 'stride' });
  const tokenizer: ActionTokenizer = await loadActionTokenizer(options.rfsq);
  const { C, H, L } = tokenizer.dims;
  if (tokenizer.dims.A !== 7) {
    await tokenizer.close();
    throw new EvalError('INVALID_FLAG', `--rfsq ${options.rfsq}: the tokenizer's A is ${tokenizer.dims.A}; LIBERO actions have 7 dims`, { subject: 'rfsq' });
  }
  const env = options.env ?? 'python';
  const serverArgs = ['--features', options.features, ...(options.featuresConfig === undefined ? [] : ['--features-config', options.featuresConfig])];
  const token = process.env.RSD_LIBERO_TOKEN;
  let client: PythonFeatureClient;
  try {
    client =
      env === 'python'
        ? await createPythonFeatureClient({ transport: 'stdio', serverArgs })
        : await createPythonFeatureClient({ transport: 'tcp', url: env, ...(token === undefined ? {} : { token }) });
  } catch (error) {
    throw new EvalError('SETUP_FAILED', `cannot start the feature module ${options.features}: ${(error as Error).message}`, { subject: 'features', cause: error });
  }
  const features: Float32Array[] = [];
  const tokens: Int32Array[] = [];
  let F = 0;
  let featuresMs = 0;
  let demoCount = 0;
  const sources: { file: string; sha256: string; instruction: string; demos: number; samples: number }[] = [];
  try {
    for (const path of options.demos) {
      const file = await readDemoFile(path);
      const instruction = file.problemInfo.language_instruction;
      const { height: h, width: w } = file;
      let samples = 0;
      for (const ep of file.demos) {
        const T = ep.actions.length / 7;
        const chunks = await tokenizer.encode(cutActionChunks(ep.actions, T, 7, C, 1), T);
        const steps = Array.from({ length: Math.ceil(T / stride) }, (_, i) => i * stride);
        for (let s = 0; s < steps.length; s += batchSize) {
          const idx = steps.slice(s, s + batchSize);
          const n = idx.length;
          const agent = new Uint8Array(n * h * w * 3);
          const wrist = ep.eyeInHandRgb === undefined ? undefined : new Uint8Array(n * h * w * 3);
          const proprio = new Float32Array(n * 9);
          idx.forEach((t, i) => {
            agent.set(ep.agentviewRgb.subarray(t * h * w * 3, (t + 1) * h * w * 3), i * h * w * 3);
            if (wrist !== undefined) wrist.set(ep.eyeInHandRgb!.subarray(t * h * w * 3, (t + 1) * h * w * 3), i * h * w * 3);
            proprio.set([...ep.eePos.subarray(t * 3, t * 3 + 3), ...ep.eeQuat.subarray(t * 4, t * 4 + 4), ...ep.gripperStates.subarray(t * 2, t * 2 + 2)], i * 9);
          });
          if (file.imageConvention === 'opengl') {
            rotateFrames(agent, n, h, w);
            if (wrist !== undefined) rotateFrames(wrist, n, h, w);
          }
          const r = await client.featuresBatch({
            instruction,
            agentview: { n, height: h, width: w, data: agent },
            ...(wrist === undefined ? {} : { wrist: { n, height: h, width: w, data: wrist } }),
            proprio,
          });
          if (F !== 0 && r.F !== F) throw new EvalError('POLICY_FAILED', `the feature module returned F = ${r.F}, earlier batches ${F}`, { subject: 'features' });
          F = r.F;
          featuresMs += r.ms;
          features.push(r.features);
          const per = C * H * L;
          for (const t of idx) tokens.push(chunks.subarray(t * per, (t + 1) * per));
        }
        samples += steps.length;
        demoCount++;
      }
      sources.push({ file: basename(path), sha256: sha256File(path), instruction, demos: file.demos.length, samples });
      log(`[features] ${basename(path)}: ${file.demos.length} demos, ${samples} samples, "${instruction}"`);
    }
  } finally {
    await client.close();
    await tokenizer.close();
  }
  const N = tokens.length;
  if (N === 0) throw new EvalError('INVALID_FLAG', '--demos: the files hold no demo steps', { subject: 'demos' });
  const flatF = new Float32Array(N * F);
  let o = 0;
  for (const f of features) {
    flatF.set(f, o);
    o += f.length;
  }
  const flatT = new Int32Array(N * C * H * L);
  tokens.forEach((t, i) => flatT.set(t, i * C * H * L));
  await mkdir(options.out, { recursive: true });
  await writeFile(join(options.out, 'features.npy'), writeNpy(flatF, [N, F]));
  await writeFile(join(options.out, 'tokens.npy'), writeNpy(flatT, [N, C, H, L]));
  const meta = {
    format: 'rsd-features/1',
    module: options.features,
    moduleSha256: sha256File(options.features),
    ...(options.featuresConfig === undefined ? {} : { featuresConfig: options.featuresConfig }),
    tokenizer: { source: options.rfsq, ...tokenizer.dims },
    N,
    F,
    stride,
    chunk: 'tokens[i] = RFSQ tokens of actions[t .. t+C-1] of the demo, the last action repeated past its end',
    proprio: 'ee_pos[3] ‖ ee_quat[4] (x, y, z, w) ‖ gripper_qpos[2], as the server hands an episode\'s observations to the module',
    demos: sources,
    featuresMs,
  };
  await writeFile(join(options.out, 'features.json'), `${JSON.stringify(meta, null, 2)}\n`);
  return { out: options.out, N, F, tokenShape: [C, H, L], demos: demoCount, featuresMs };
}
