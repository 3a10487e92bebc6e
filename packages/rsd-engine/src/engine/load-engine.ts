import { bundleFilesOf, type BundleFile, type BundleFileMap, type BundleManifest } from '@rsd/heads';
import type { ExecutionProvider, InferenceBackend, ModelSession, SessionOptions, TensorValue } from '../backend/inference-backend.ts';
import { OrtBackend } from '../backend/ort-backend.ts';
import { bundleContracts, checkModelSignature } from '../bundle/model-signatures.ts';
import { readBundle } from '../bundle/read-bundle.ts';
import { CounterRandom } from '../decode/counter-random.ts';
import type { DecodeModels } from '../decode/decode-models.ts';
import { checkDecodePlan, type DecodePlan } from '../decode/decode-plan.ts';
import { decodeTokens } from '../decode/decode-tokens.ts';
import { relaxedAllowance } from '../decode/relaxed-allowance.ts';
import { RsdError } from '../errors/rsd-error.ts';
import { buildCallStats } from '../stats/build-call-stats.ts';
import { StatisticsAggregator } from '../stats/statistics-aggregator.ts';
import { backboneFeeds, externalBackboneError } from './backbone-feeds.ts';
import type { ContinuousResult, DecodeOptions, DecodeResult, Observations, RsdEngine } from './rsd-engine.ts';

/** Options of {@link loadEngine}. */
export interface LoadEngineOptions extends SessionOptions {
  /** Runs the models (default ONNX Runtime). */
  readonly backend?: InferenceBackend;
}

/**
 * Loads a model bundle (SPEC §2): validates `manifest.json`, checks every file's sha256, creates
 * one session per model (no draft session for a bundle without `draft.onnx`: `jacobi` and
 * `baseline` only; no backbone session for an external backbone: `predictFromFeatures` only) (providers `cuda` then `cpu` by default, each logged) and checks that
 * every model declares the inputs and outputs the manifest implies.
 */
export async function loadEngine(bundleDir: string, options: LoadEngineOptions = {}): Promise<RsdEngine> {
  const { manifest, models } = await readBundle(bundleDir);
  const backend = options.backend ?? new OrtBackend();
  const log = options.log ?? ((line: string) => process.stderr.write(`${line}\n`));
  const contracts = bundleContracts(manifest);
  const sessions: Partial<Record<BundleFile, ModelSession>> = {};
  try {
    for (const file of bundleFilesOf(manifest)) {
      let session: ModelSession;
      try {
        session = await backend.createSession(file, models[file]!, { ...options, log });
      } catch (error) {
        if (RsdError.isInstance(error)) throw error;
        throw new RsdError('MODEL_LOAD_FAILED', `${file}: ${(error as Error).message}`, { subject: file, cause: error });
      }
      sessions[file] = session;
      checkModelSignature(file, session, contracts[file]!);
    }
  } catch (error) {
    await Promise.all(Object.values(sessions).map((s) => s.release()));
    throw error;
  }
  return new BundleEngine(manifest, sessions);
}

class BundleEngine implements RsdEngine {
  readonly executionProviders: BundleFileMap<ExecutionProvider>;
  private readonly files: BundleFile[];
  private readonly aggregator = new StatisticsAggregator();
  private readonly sampleCalls = new Map<number, number>();
  private readonly models: DecodeModels;
  private closed = false;

  constructor(
    readonly manifest: BundleManifest,
    private readonly sessions: Readonly<Partial<Record<BundleFile, ModelSession>>>,
  ) {
    this.files = bundleFilesOf(manifest);
    this.executionProviders = Object.fromEntries(this.files.map((f) => [f, sessions[f]!.executionProvider])) as BundleFileMap<ExecutionProvider>;
    const { C, H, L, K, F, k } = manifest.dims;
    this.models = {
      C,
      H,
      L,
      K,
      draftModelLayers: k,
      ...(k === 0
        ? {}
        : {
            draft: async (features: Float32Array, B: number) =>
              this.output('draft.onnx', { features: { type: 'float32', data: features, dims: [B, F] } }, 'logits') as Promise<Float32Array>,
          }),
      main: async (features, tokens, B) =>
        this.output(
          'main.onnx',
          { features: { type: 'float32', data: features, dims: [B, F] }, tokens: { type: 'int64', data: tokens, dims: [B, C, H, L] } },
          'logits',
        ) as Promise<Float32Array>,
    };
  }

  private async output(file: BundleFile, feeds: Record<string, TensorValue>, name: string): Promise<TensorValue['data']> {
    const session = this.sessions[file];
    if (session === undefined) throw new RsdError('INVALID_OPTIONS', `this bundle has no ${file}`, { subject: file });
    const out = await session.run(feeds);
    const t = out[name];
    if (t === undefined) throw new RsdError('INFERENCE_FAILED', `${file}: run returned no "${name}"`, { subject: `${file}#${name}` });
    return t.data;
  }

  private ortMs(): number {
    return this.files.reduce((s, f) => s + this.sessions[f]!.runMs, 0);
  }

  private ensureOpen(): void {
    if (this.closed) throw new RsdError('ENGINE_CLOSED', 'the engine was closed', { subject: 'engine' });
  }

  async computeFeatures(observations: Observations): Promise<Float32Array> {
    this.ensureOpen();
    if (this.sessions['backbone.onnx'] === undefined) throw externalBackboneError(this.manifest, 'computeFeatures(observations)');
    const { feeds, B } = backboneFeeds(this.manifest, observations);
    const features = (await this.output('backbone.onnx', feeds, 'features')) as Float32Array;
    checkFeatures(features, B, this.manifest.dims.F, 'backbone.onnx output "features"');
    return features;
  }

  async predict(observations: Observations, options: DecodeOptions): Promise<DecodeResult> {
    this.ensureOpen();
    const t0 = performance.now();
    const ort0 = this.ortMs();
    if (this.sessions['backbone.onnx'] === undefined) throw externalBackboneError(this.manifest, 'predict(observations)');
    const plan = this.plan(options);
    const features = await this.computeFeatures(observations);
    const backboneMs = performance.now() - t0;
    return this.decode(features, observations.images.length, plan, t0, ort0, backboneMs);
  }

  get hasContinuous(): boolean {
    return this.sessions['continuous.onnx'] !== undefined;
  }

  async predictContinuous(observations: Observations): Promise<ContinuousResult> {
    this.ensureOpen();
    if (this.sessions['continuous.onnx'] === undefined) {
      throw new RsdError('INVALID_OPTIONS', `bundle "${this.manifest.name}" ships no continuous.onnx (the teacher's continuous head; manifest.json has no "continuous" block)`, {
        subject: 'continuous.onnx',
      });
    }
    const t0 = performance.now();
    const features = await this.computeFeatures(observations);
    const t1 = performance.now();
    const { C, A, F } = this.manifest.dims;
    const B = observations.images.length;
    const actions = (await this.output('continuous.onnx', { features: { type: 'float32', data: features, dims: [B, F] } }, 'actions')) as Float32Array;
    if (actions.length !== B * C * A) {
      throw new RsdError('INFERENCE_FAILED', `continuous.onnx returned ${actions.length} values, expected [${B}, ${C}, ${A}]`, { subject: 'continuous.onnx#actions' });
    }
    const t2 = performance.now();
    return { actions, timings: { backboneMs: t1 - t0, headMs: t2 - t1, totalMs: t2 - t0 } };
  }

  async predictFromFeatures(features: Float32Array, B: number, options: DecodeOptions): Promise<DecodeResult> {
    this.ensureOpen();
    const t0 = performance.now();
    const ort0 = this.ortMs();
    const plan = this.plan(options);
    if (!Number.isInteger(B) || B < 1) throw new RangeError(`B must be a positive integer, got ${B}`);
    checkFeatures(features, B, this.manifest.dims.F, 'features');
    return this.decode(features, B, plan, t0, ort0, 0);
  }

  async encodeActions(actions: Float32Array, B: number): Promise<Int32Array> {
    this.ensureOpen();
    const { C, A } = this.manifest.dims;
    if (!(actions instanceof Float32Array) || actions.length !== B * C * A) {
      throw new RsdError('INVALID_INPUT', `actions must be float32 [B=${B}, C=${C}, A=${A}]`, { subject: 'actions' });
    }
    const tokens = await this.output('rfsq_encoder.onnx', { actions: { type: 'float32', data: actions, dims: [B, C, A] } }, 'tokens');
    return Int32Array.from(tokens as BigInt64Array, (t) => Number(t));
  }

  private plan(options: DecodeOptions): DecodePlan {
    const plan: DecodePlan = { mode: options.mode, acceptance: options.acceptance, draftLayers: options.mode === 'rsd' ? (options.draftLayers ?? this.manifest.dims.k) : 0 };
    checkDecodePlan(plan, this.manifest.dims.L, this.manifest.dims.k);
    return plan;
  }

  private async decode(features: Float32Array, B: number, plan: DecodePlan, t0: number, ort0: number, backboneMs: number): Promise<DecodeResult> {
    const { C, H, L, A, K } = this.manifest.dims;
    let random: CounterRandom | undefined;
    if (plan.acceptance.kind === 'sample') {
      // the n-th sample-mode call with seed s draws from stream (s, n): reproducible per engine
      const seed = plan.acceptance.seed;
      const n = this.sampleCalls.get(seed) ?? 0;
      this.sampleCalls.set(seed, n + 1);
      random = new CounterRandom(seed, n);
    }
    const main = this.sessions['main.onnx']!;
    const ortMain0 = main.runMs;
    const outcome = await decodeTokens(this.models, features, B, plan, random);
    const ortMainMs = main.runMs - ortMain0;
    const t1 = performance.now();
    const actions = (await this.output('rfsq_decoder.onnx', { tokens: { type: 'int64', data: outcome.tokensInt64, dims: [B, C, H, L] } }, 'actions')) as Float32Array;
    if (actions.length !== B * C * A) {
      throw new RsdError('INFERENCE_FAILED', `rfsq_decoder.onnx returned ${actions.length} values, expected [${B}, ${C}, ${A}]`, { subject: 'rfsq_decoder.onnx#actions' });
    }
    const t2 = performance.now();
    const allowance = relaxedAllowance(plan.acceptance, this.manifest.tokenizer.layerScales, K, plan.mode);
    const stats = buildCallStats(
      outcome,
      plan,
      B,
      {
        backboneMs,
        draftMs: outcome.draftMs,
        verifyMs: outcome.verifyMs,
        autoregressiveMs: outcome.autoregressiveMs,
        decodeMs: t2 - t1,
        totalMs: t2 - t0,
        ortMs: this.ortMs() - ort0,
        ortMainMs,
      },
      allowance,
    );
    this.aggregator.add(stats);
    return { actions, tokens: outcome.tokens, stats };
  }

  statistics() {
    return this.aggregator.summary();
  }

  resetStatistics(): void {
    this.aggregator.reset();
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await Promise.all(this.files.map((f) => this.sessions[f]!.release()));
  }
}

/** Features must be float32 [B, F] and finite; anything else is INVALID_INPUT naming `what`. */
function checkFeatures(features: Float32Array, B: number, F: number, what: string): void {
  if (!(features instanceof Float32Array)) throw new RsdError('INVALID_INPUT', `${what} must be a Float32Array [B, F]`, { subject: 'features' });
  if (features.length !== B * F) {
    throw new RsdError('INVALID_INPUT', `${what} has ${features.length} values, expected [B=${B}, F=${F}] = ${B * F}`, { subject: 'features' });
  }
  for (let i = 0; i < features.length; i++) {
    if (!Number.isFinite(features[i]!)) {
      throw new RsdError('INVALID_INPUT', `${what}[${Math.floor(i / F)}, ${i % F}] is ${features[i]} (NaN or infinite)`, { subject: 'features' });
    }
  }
}
