import { isExternalBackbone, type BundleFile, type BundleManifest } from '@rsd/heads';
import type { ValueSignature } from '../backend/inference-backend.ts';
import { RsdError } from '../errors/rsd-error.ts';

/** The batch dimension: any symbolic name (the model must accept any batch size). */
export const BATCH = 'B';

/** The inputs and outputs each bundle model must declare, from the manifest (SPEC §2). */
export interface ModelContract {
  readonly inputs: readonly ValueSignature[];
  readonly outputs: readonly ValueSignature[];
}

/**
 * What each model of the bundle must declare, given the manifest's sizes: one entry per file of
 * `bundleFilesOf(m)` (no `backbone.onnx` entry for an external backbone).
 */
export function bundleContracts(m: BundleManifest): Partial<Record<BundleFile, ModelContract>> {
  const { C, A, H, L, K, F, k } = m.dims;
  const b = m.backbone;
  const features = { name: 'features', type: 'float32', shape: [BATCH, F] };
  const tokens = { name: 'tokens', type: 'int64', shape: [BATCH, C, H, L] };
  const actions = { name: 'actions', type: 'float32', shape: [BATCH, C, A] };
  const backbone: Partial<Record<BundleFile, ModelContract>> = {};
  if (!isExternalBackbone(b)) {
    const backboneInputs: ValueSignature[] = [
      { name: 'image', type: 'uint8', shape: [BATCH, b.image.height, b.image.width, 3] },
      { name: 'instruction', type: 'int64', shape: [BATCH, b.instruction.maxTokens] },
    ];
    if (b.proprio) backboneInputs.push({ name: 'proprio', type: 'float32', shape: [BATCH, b.proprio.size] });
    backbone['backbone.onnx'] = { inputs: backboneInputs, outputs: [features] };
  }
  return {
    ...backbone,
    'draft.onnx': { inputs: [features], outputs: [{ name: 'logits', type: 'float32', shape: [BATCH, C, H, k, K] }] },
    'main.onnx': { inputs: [features, tokens], outputs: [{ name: 'logits', type: 'float32', shape: [BATCH, C, H, L, K] }] },
    'rfsq_encoder.onnx': { inputs: [actions], outputs: [tokens] },
    'rfsq_decoder.onnx': { inputs: [tokens], outputs: [actions] },
    ...(m.continuous === undefined ? {} : { 'continuous.onnx': { inputs: [features], outputs: [actions] } }),
  };
}

function describe(s: ValueSignature): string {
  return `${s.type} [${s.shape.join(', ')}]`;
}

/**
 * Checks that a loaded model declares exactly the contract's inputs and at least its outputs
 * (names, element types, fixed dims equal to the manifest's; the batch dim must be symbolic).
 * Extra outputs (e.g. the encoder's `latent`) are allowed and ignored. Throws
 * `BUNDLE_MODEL_MISMATCH` naming the file, the value and the manifest field it disagrees with.
 */
export function checkModelSignature(
  file: BundleFile,
  actual: { readonly inputs: readonly ValueSignature[]; readonly outputs: readonly ValueSignature[] },
  contract: ModelContract,
): void {
  for (const side of ['inputs', 'outputs'] as const) {
    const got = actual[side];
    const want = contract[side];
    const fail = (name: string, why: string): never => {
      throw new RsdError('BUNDLE_MODEL_MISMATCH', `${file}: ${side.slice(0, -1)} "${name}" ${why}`, { subject: `${file}#${name}` });
    };
    if (side === 'inputs') {
      for (const g of got) if (!want.some((w) => w.name === g.name)) fail(g.name, `is not part of the bundle contract (expected ${want.map((w) => w.name).join(', ')})`);
    }
    for (const w of want) {
      const g = got.find((x) => x.name === w.name);
      if (g === undefined) fail(w.name, `is missing (expected ${describe(w)})`);
      const v = g!;
      if (v.type !== w.type) fail(w.name, `has element type ${v.type}, the manifest implies ${describe(w)}`);
      if (v.shape.length !== w.shape.length) fail(w.name, `has shape [${v.shape.join(', ')}], the manifest implies ${describe(w)}`);
      w.shape.forEach((d, i) => {
        const a = v.shape[i];
        if (d === BATCH) {
          if (typeof a !== 'string' && a !== -1) fail(w.name, `dim 0 is fixed to ${a}; it must be a dynamic batch dim`);
        } else if (a !== d) {
          fail(w.name, `dim ${i} is ${JSON.stringify(a)} but the manifest implies ${d} (shape ${describe(w)}, from manifest.json dims/backbone)`);
        }
      });
    }
  }
}
