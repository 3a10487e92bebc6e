import { hashInstruction, isExternalBackbone, type BundleManifest } from '@rsd/heads';
import type { TensorValue } from '../backend/inference-backend.ts';
import { RsdError } from '../errors/rsd-error.ts';
import type { Observations } from './rsd-engine.ts';

/**
 * The backbone's feeds for a batch of observations: `image` uint8 [B, h, w, 3], `instruction`
 * int64 [B, maxTokens] (hashed words), `proprio` float32 [B, size] when the bundle has it.
 * Images must already have the manifest's size (no silent resizing). Returns the feeds and B.
 */
export function backboneFeeds(m: BundleManifest, obs: Observations): { feeds: Record<string, TensorValue>; B: number } {
  const bad = (subject: string, why: string) => new RsdError('INVALID_INPUT', `observations.${subject}: ${why}`, { subject: `observations.${subject}` });
  const backbone = m.backbone;
  if (isExternalBackbone(backbone)) throw externalBackboneError(m, 'predict(observations)');
  const B = obs.images.length;
  if (B < 1) throw bad('images', 'must hold at least one image');
  if (obs.instructions.length !== B) throw bad('instructions', `has ${obs.instructions.length} entries for ${B} images`);
  const { height: h, width: w } = backbone.image;
  const image = new Uint8Array(B * h * w * 3);
  obs.images.forEach((img, b) => {
    if (img.height !== h || img.width !== w) throw bad(`images[${b}]`, `is ${img.width}x${img.height}; the bundle's backbone takes ${w}x${h} (manifest.json backbone.image)`);
    if (img.data.length !== h * w * 3) throw bad(`images[${b}].data`, `has ${img.data.length} bytes, expected ${h}*${w}*3 = ${h * w * 3}`);
    image.set(img.data, b * h * w * 3);
  });
  const { vocabSize, maxTokens } = backbone.instruction;
  const instruction = new BigInt64Array(B * maxTokens);
  obs.instructions.forEach((text, b) => {
    if (typeof text !== 'string') throw bad(`instructions[${b}]`, 'must be a string');
    instruction.set(hashInstruction(text, { vocabSize, maxTokens }), b * maxTokens);
  });
  const feeds: Record<string, TensorValue> = {
    image: { type: 'uint8', data: image, dims: [B, h, w, 3] },
    instruction: { type: 'int64', data: instruction, dims: [B, maxTokens] },
  };
  const spec = backbone.proprio;
  if (spec) {
    if (obs.proprio === undefined) throw bad('proprio', `is required: the backbone reads ${spec.fields.join(', ')} (${spec.size} values)`);
    if (obs.proprio.length !== B) throw bad('proprio', `has ${obs.proprio.length} entries for ${B} images`);
    const proprio = new Float32Array(B * spec.size);
    obs.proprio.forEach((v, b) => {
      if (v.length !== spec.size) throw bad(`proprio[${b}]`, `has ${v.length} values, expected ${spec.size} (${spec.fields.join(', ')})`);
      if (v.some((x) => !Number.isFinite(x))) throw bad(`proprio[${b}]`, 'holds NaN or infinite values');
      proprio.set(v, b * spec.size);
    });
    feeds.proprio = { type: 'float32', data: proprio, dims: [B, spec.size] };
  } else if (obs.proprio !== undefined) {
    throw bad('proprio', 'was given but the bundle has no proprio input (manifest.json backbone.proprio)');
  }
  return { feeds, B };
}

/**
 * The error of an operation that needs `backbone.onnx` on a bundle whose backbone is external
 * (manifest `backbone.kind = "external"`): INVALID_OPTIONS naming the provider and what to call instead.
 */
export function externalBackboneError(m: BundleManifest, what: string): RsdError {
  const provider = isExternalBackbone(m.backbone) ? m.backbone.provider : 'unknown';
  return new RsdError(
    'INVALID_OPTIONS',
    `${what}: bundle "${m.name}" has an external backbone (manifest.json backbone.kind = "external", provider ${JSON.stringify(provider)}) and no backbone.onnx; ` +
      'its features come from outside (e.g. the LIBERO server\'s --features module): call predictFromFeatures(features float32 [B, F], B, options)',
    { subject: 'backbone.onnx' },
  );
}
