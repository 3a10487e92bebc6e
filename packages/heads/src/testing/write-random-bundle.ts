import { exportRfsqOnnx } from '@rsd/rfsq';
import { randomRfsqParams } from '@rsd/rfsq/testing';
import type { RfsqParams } from '@rsd/rfsq';
import { isExternalBackbone, type BackboneInfo, type BundleDims, type BundleManifest, type ExternalBackboneInfo } from '../bundle/bundle-manifest.ts';
import { writeBundle } from '../bundle/write-bundle.ts';
import { exportDraftOnnx } from '../export/export-draft-onnx.ts';
import { exportMainOnnx } from '../export/export-main-onnx.ts';
import { validateHeadsConfig, type HeadsConfig } from '../heads-config.ts';
import type { DraftWeights, MainWeights } from '../model/head-parameters.ts';
import { randomHeadWeights } from './random-head-weights.ts';
import { exportTestBackboneOnnx } from './test-backbone-onnx.ts';

/** Options of {@link writeRandomBundle}; only `dims` and `seed` are required. */
export interface RandomBundleOptions {
  /** Bundle sizes `C A H L K F k`; `k: 0` writes a bundle without `draft.onnx` (a main head alone). */
  readonly dims: BundleDims;
  /** Everything random derives from it: same seed → byte-identical files. */
  readonly seed: number;
  readonly name?: string;
  /** Tokenizer variant (default `robust`). */
  readonly variant?: 'robust' | 'naive';
  /** Backbone inputs (default 8×8 image, 64 hashed words, 8 tokens, no proprio); an external backbone writes no `backbone.onnx`. */
  readonly backbone?: BackboneInfo | ExternalBackboneInfo;
  /** Head sizes (defaults: main 32 wide, 2 deep; draft 16 wide, 1 deep). */
  readonly heads?: Partial<Pick<HeadsConfig, 'mainWidth' | 'mainDepth' | 'draftWidth' | 'draftDepth'>>;
  /** Replace an existing folder. */
  readonly overwrite?: boolean;
}

/** What {@link writeRandomBundle} wrote, with the weights behind it (for reference checks). */
export interface RandomBundle {
  readonly dir: string;
  readonly manifest: BundleManifest;
  readonly headsConfig: HeadsConfig;
  readonly weights: { readonly draft: DraftWeights; readonly main: MainWeights };
  readonly rfsq: RfsqParams;
}

/**
 * Writes a complete, valid random-weight model bundle (SPEC §2) of any shapes to `dir`:
 * the test backbone ({@link exportTestBackboneOnnx}), random draft and main heads, and a random
 * RFSQ tokenizer. Deterministic in `seed`; tiny shapes take well under a second.
 */
export async function writeRandomBundle(dir: string, options: RandomBundleOptions): Promise<RandomBundle> {
  const { dims, seed } = options;
  const headsConfig = validateHeadsConfig(
    {
      F: dims.F,
      C: dims.C,
      H: dims.H,
      L: dims.L,
      K: dims.K,
      draftLayers: Math.max(1, dims.k), // weights are drawn for a draft even when none is written
      mainWidth: options.heads?.mainWidth ?? 32,
      mainDepth: options.heads?.mainDepth ?? 2,
      draftWidth: options.heads?.draftWidth ?? 16,
      draftDepth: options.heads?.draftDepth ?? 1,
    },
    'options.dims',
  );
  const variant = options.variant ?? 'robust';
  const rfsq = randomRfsqParams({ C: dims.C, A: dims.A, H: dims.H, L: dims.L, K: dims.K, variant, hidden: [16] }, seed);
  const { encoder, decoder } = exportRfsqOnnx(rfsq);
  const weights = randomHeadWeights(headsConfig, seed + 1);
  const backbone: BackboneInfo | ExternalBackboneInfo = options.backbone ?? {
    image: { height: 8, width: 8 },
    instruction: { kind: 'hashed-words', vocabSize: 64, maxTokens: 8 },
  };
  const manifest = await writeBundle(
    dir,
    {
      name: options.name ?? `random-${seed}`,
      dims,
      actionNormalization: rfsq.actionNormalization,
      tokenizer: { variant, layerScales: [...rfsq.layerScales], layerShifts: [...rfsq.layerShifts] },
      backbone,
      provenance: { generator: '@rsd/heads writeRandomBundle', random: true, seed, heads: headsConfig },
      models: {
        ...(isExternalBackbone(backbone) ? {} : { 'backbone.onnx': exportTestBackboneOnnx(backbone, dims.F, seed + 2) }),
        ...(dims.k === 0 ? {} : { 'draft.onnx': exportDraftOnnx(headsConfig, weights.draft) }),
        'main.onnx': exportMainOnnx(headsConfig, weights.main),
        'rfsq_encoder.onnx': encoder,
        'rfsq_decoder.onnx': decoder,
      },
    },
    { overwrite: options.overwrite ?? false },
  );
  return { dir, manifest, headsConfig, weights, rfsq };
}
