import { isExternalBackbone } from '@rsd/heads';
import type { Acceptance, DecodeResult, RsdEngine } from '@rsd/rsd-engine';
import { EvalError } from '../errors/eval-error.ts';
import { proprioVector } from './observation-input.ts';
import { resizeRgb } from './resize-rgb.ts';
import type { Policy, PolicyChunk, PolicyRequest } from './policy.ts';

/**
 * What the policy uses of an engine (a wrapper, e.g. one that records features, can stand in);
 * `predictFromFeatures` is needed for a bundle with an external backbone.
 */
export type PolicyEngine = Pick<RsdEngine, 'manifest' | 'predict' | 'resetStatistics' | 'close'> & Partial<Pick<RsdEngine, 'predictFromFeatures'>>;

/**
 * The policy of an RSD engine: the agent-view image (which must already have the backbone's
 * input size: environments are created with the bundle's camera size, nothing is resized), the
 * instruction and the proprio fields the bundle lists → one chunk decoded in `baseline`, `rsd` or
 * `jacobi` mode. Under `sample` acceptance each call's seed comes from the request, so a chunk depends on
 * (episode, mode, call) only, never on which episodes the engine decoded before.
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
      r = await this.#engine.predict({ images: [image], instructions: [request.instruction], ...(proprio === undefined ? {} : { proprio: [proprio] }) }, options);
    }
    if (r.actions.length !== C * A) {
      throw new EvalError('POLICY_FAILED', `engine returned ${r.actions.length} action values, expected C×A = ${C * A}`, { subject: 'actions' });
    }
    if (r.tokens.length !== C * H * L) {
      throw new EvalError('POLICY_FAILED', `engine returned ${r.tokens.length} tokens, expected C×H×L = ${C * H * L}`, { subject: 'tokens' });
    }
    for (let i = 0; i < r.actions.length; i++) {
      if (!Number.isFinite(r.actions[i]!)) throw new EvalError('POLICY_FAILED', `engine returned a non-finite action value at index ${i}`, { subject: 'actions' });
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

  /**
   * One untimed call per mode on a blank image, so the first episode's latency does not carry
   * session warm-up (allocations, kernel selection). Statistics of the engine are reset after.
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
    this.#engine.resetStatistics();
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    await this.#engine.close();
  }
}
