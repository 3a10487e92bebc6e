import { isExternalBackbone } from '@rsd/heads';
import { type Acceptance, type DecodeResult, type Observations, type RsdEngine } from '@rsd/rsd-engine';
import { EvalError } from '../errors/eval-error.ts';
import { proprioVector } from './observation-input.ts';
import { continuousChunk } from './continuous-chunk.ts';
import { resizeRgb } from '@rsd/rsd-engine';
import type { Policy, PolicyChunk, PolicyRequest } from './policy.ts';

/**
 * What the policy uses of an engine (a wrapper, e.g. one that records features, can stand in);
 * `predictFromFeatures` is needed for a bundle with an external backbone, `predictContinuous` and
 * `hasContinuous` for the `continuous` mode (the bundle's teacher head).
 */
export type PolicyEngine = Pick<RsdEngine, 'manifest' | 'predict' | 'resetStatistics' | 'close'> &
  Partial<Pick<RsdEngine, 'predictFromFeatures' | 'predictContinuous' | 'hasContinuous'>>;

/**
 * The policy of an RSD engine: the agent-view image (which must already have the backbone's
 * input size: environments are created with the bundle's camera size, nothing is resized), the
 * instruction and the proprio fields the bundle lists → one chunk decoded in `baseline`, `rsd` or
 * `jacobi` mode. Under `sample` acceptance each call's seed comes from the request, so a chunk depends on
 * (episode, mode, call) only, never on which episodes the engine decoded before. `continuous` mode
 * runs the bundle's teacher head instead (backbone → `continuous.onnx` → actions): no tokens (an
 * empty `tokens`), zero decoding statistics, and the head's time as the `decodeMs` stage.
 */
export class EnginePolicy implements Policy {
  readonly #engine: PolicyEngine;
  readonly #acceptance: Acceptance;
  readonly #draftLayers: number | undefined;
  readonly #resizeImages: boolean;
  #closed = false;

  /**
   * `resizeImages`: bring images of another size to the backbone's input with `resizeRgb`
   * (`--render-size`, recorded by the run); without it a size mismatch is an error.
   */
  constructor(engine: PolicyEngine, options: { readonly acceptance: Acceptance; readonly draftLayers?: number; readonly resizeImages?: boolean }) {
    this.#engine = engine;
    this.#acceptance = options.acceptance;
    this.#draftLayers = options.draftLayers;
    this.#resizeImages = options.resizeImages === true;
  }

  async act(request: PolicyRequest): Promise<PolicyChunk> {
    if (this.#closed) throw new EvalError('POLICY_FAILED', 'the policy is closed');
    if (request.mode === 'continuous') return this.#actContinuous(request);
    const m = this.#engine.manifest;
    const { C, A, H, L } = m.dims;
    const acceptance: Acceptance = this.#acceptance.kind === 'sample' ? { ...this.#acceptance, seed: request.seed } : this.#acceptance;
    const options = { mode: request.mode, acceptance, ...(this.#draftLayers === undefined ? {} : { draftLayers: this.#draftLayers }) };
    const backbone = m.backbone;
    let r: DecodeResult;
    let featuresMs: number | undefined;
    if (isExternalBackbone(backbone)) {
      // the features arrived with the observation (the LIBERO server's --features module)
      const features = request.observation.features;
      if (features === undefined) {
        throw new EvalError('POLICY_FAILED', `the observation carries no features, but bundle "${m.name}" has an external backbone (provider ${backbone.provider}): the environment must send them (--env python --features <module.py>, or TCP servers started with --features)`, { subject: 'features' });
      }
      if (features.length !== backbone.F) {
        throw new EvalError('POLICY_FAILED', `the server's feature module returned ${features.length} features, but bundle "${m.name}" (provider ${backbone.provider}) takes F = ${backbone.F} (manifest.json backbone.F)`, { subject: 'features' });
      }
      if (this.#engine.predictFromFeatures === undefined) throw new EvalError('POLICY_FAILED', 'this engine cannot decode from features', { subject: 'features' });
      r = await this.#engine.predictFromFeatures(features, 1, options);
      featuresMs = request.observation.featuresMs ?? 0;
    } else {
      r = await this.#engine.predict(this.#observations(request), options);
    }
    checkActions(r.actions, C * A);
    if (r.tokens.length !== C * H * L) {
      throw new EvalError('POLICY_FAILED', `engine returned ${r.tokens.length} tokens, expected C×H×L = ${C * H * L}`, { subject: 'tokens' });
    }
    const s = r.stats;
    return {
      actions: r.actions,
      chunk: C,
      actionDim: A,
      tokens: r.tokens,
      stats: {
        proposedLayers: s.proposedLayers,
        acceptedLayers: s.acceptedLayers[0] ?? 0,
        fullyAccepted: s.fullyAccepted,
        partiallyAccepted: s.partiallyAccepted,
        rejected: s.rejected,
        mainPasses: s.mainPasses,
        draftPasses: s.draftPasses,
        layersDecidedPerPass: s.layersDecidedPerPass[0] ?? [],
        maxPositionRejections: s.maxPositionRejections[0] ?? 0,
        layerChecks: { draft: s.layerChecks.draft, main: s.layerChecks.main },
        timings: {
          backboneMs: s.timings.backboneMs,
          draftMs: s.timings.draftMs,
          verifyMs: s.timings.verifyMs,
          autoregressiveMs: s.timings.autoregressiveMs,
          decodeMs: s.timings.decodeMs,
          totalMs: s.timings.totalMs,
          ...(featuresMs === undefined ? {} : { featuresMs }),
        },
      },
    };
  }

  /** The backbone's input of one request: the agent view (resized with `resizeImages`), instruction, proprio. */
  #observations(request: PolicyRequest): Observations {
    const m = this.#engine.manifest;
    const backbone = m.backbone;
    if (isExternalBackbone(backbone)) throw new EvalError('POLICY_FAILED', `bundle "${m.name}" has an external backbone: its features come with the observation`, { subject: 'features' });
    const rendered = request.observation.agentviewRgb;
    const image = this.#resizeImages ? resizeRgb(rendered, backbone.image.width, backbone.image.height) : rendered;
    if (image.width !== backbone.image.width || image.height !== backbone.image.height) {
      throw new EvalError(
        'POLICY_FAILED',
        `the environment renders ${image.width}x${image.height} images but the bundle's backbone takes ${backbone.image.width}x${backbone.image.height} (manifest.json backbone.image)`,
        { subject: 'backbone.image' },
      );
    }
    const proprio = proprioVector(request.observation, m);
    return { images: [image], instructions: [request.instruction], ...(proprio === undefined ? {} : { proprio: [proprio] }) };
  }

  /**
   * `continuous` mode: the teacher head on the backbone's features. No tokens are decoded, so the
   * chunk's `tokens` is empty and every decoding statistic is zero (no draft, no main pass); the
   * stages are the backbone, the continuous head (reported as `decodeMs`) and the engine total.
   */
  async #actContinuous(request: PolicyRequest): Promise<PolicyChunk> {
    const m = this.#engine.manifest;
    const { C, A, L } = m.dims;
    if (this.#engine.hasContinuous !== true || this.#engine.predictContinuous === undefined) {
      throw new EvalError('POLICY_FAILED', `continuous mode needs the teacher's continuous head, but bundle "${m.name}" ships no continuous.onnx (manifest.json has no "continuous" block)`, { subject: 'continuous.onnx' });
    }
    const r = await this.#engine.predictContinuous(this.#observations(request));
    checkActions(r.actions, C * A);
    return continuousChunk(r.actions, { C, A, L }, r.timings);
  }

  /**
   * One untimed call per mode on a blank image (the continuous head too when the bundle ships it),
   * so the first episode's latency does not carry session warm-up (allocations, kernel selection).
   * Statistics of the engine are reset after.
   */
  async warmUp(): Promise<void> {
    const m = this.#engine.manifest;
    const b = m.backbone;
    for (const mode of this.#engine.manifest.dims.k > 0 ? (['baseline', 'rsd', 'jacobi'] as const) : (['baseline', 'jacobi'] as const)) {
      const options = { mode, acceptance: { kind: 'exact' as const }, ...(this.#draftLayers === undefined ? {} : { draftLayers: this.#draftLayers }) };
      if (isExternalBackbone(b)) {
        if (this.#engine.predictFromFeatures !== undefined) await this.#engine.predictFromFeatures(new Float32Array(b.F), 1, options);
        continue;
      }
      const { width, height } = b.image;
      const images = [{ width, height, data: new Uint8Array(width * height * 3) }];
      const proprio = b.proprio === undefined ? {} : { proprio: [new Float32Array(b.proprio.size)] };
      await this.#engine.predict({ images, instructions: ['warm up'], ...proprio }, options);
    }
    if (this.#engine.hasContinuous === true && this.#engine.predictContinuous !== undefined && !isExternalBackbone(b)) {
      const { width, height } = b.image;
      const proprio = b.proprio === undefined ? {} : { proprio: [new Float32Array(b.proprio.size)] };
      await this.#engine.predictContinuous({ images: [{ width, height, data: new Uint8Array(width * height * 3) }], instructions: ['warm up'], ...proprio });
    }
    this.#engine.resetStatistics();
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    await this.#engine.close();
  }
}

/** The engine's chunk must hold C×A finite values. */
function checkActions(actions: Float32Array, n: number): void {
  if (actions.length !== n) {
    throw new EvalError('POLICY_FAILED', `engine returned ${actions.length} action values, expected C×A = ${n}`, { subject: 'actions' });
  }
  for (let i = 0; i < actions.length; i++) {
    if (!Number.isFinite(actions[i]!)) throw new EvalError('POLICY_FAILED', `engine returned a non-finite action value at index ${i}`, { subject: 'actions' });
  }
}
