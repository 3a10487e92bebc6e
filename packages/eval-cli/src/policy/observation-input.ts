import { isExternalBackbone, type BundleManifest } from '@rsd/heads';
import type { Observation } from '@rsd/libero-bridge';
import { EvalError } from '../errors/eval-error.ts';

/**
 * The backbone's proprio vector: the observation fields listed in manifest.backbone.proprio,
 * concatenated in order → float32 [size]. A missing field or a size mismatch is an error.
 */
export function proprioVector(observation: Observation, manifest: BundleManifest): Float32Array | undefined {
  if (isExternalBackbone(manifest.backbone)) return undefined;
  const spec = manifest.backbone.proprio;
  if (spec === undefined) return undefined;
  const parts: ArrayLike<number>[] = spec.fields.map((field) => {
    const v: unknown = Reflect.get(observation, field);
    if (!(v instanceof Float64Array || v instanceof Float32Array)) {
      throw new EvalError('POLICY_FAILED', `manifest.json backbone.proprio.fields names "${field}", which the observation does not carry`, {
        subject: `backbone.proprio.fields`,
      });
    }
    return v;
  });
  const size = parts.reduce((s, p) => s + p.length, 0);
  if (size !== spec.size) {
    throw new EvalError('POLICY_FAILED', `manifest.json backbone.proprio.size is ${spec.size} but the fields [${spec.fields.join(', ')}] give ${size} values`, {
      subject: 'backbone.proprio.size',
    });
  }
  const out = new Float32Array(size);
  let o = 0;
  for (const p of parts) for (let i = 0; i < p.length; i++) out[o++] = p[i]!;
  return out;
}
