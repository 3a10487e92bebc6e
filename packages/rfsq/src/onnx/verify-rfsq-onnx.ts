import * as ort from 'onnxruntime-node';
import type { RfsqParams } from '../core/rfsq-params.ts';
import { RfsqTokenizer } from '../core/rfsq-tokenizer.ts';
import { residualQuantize } from '../core/residual-fsq.ts';
import { RfsqError } from '../errors/rfsq-error.ts';
import type { RfsqOnnxModels } from './export-rfsq-onnx.ts';

/**
 * Runs both exported graphs in ONNX Runtime on `actions` float32 [B, C, A] and checks them
 * against the TypeScript core: latent within 1e-4, tokens identical given the graph's latent,
 * decoded actions within 1e-4 (relative to their range). A difference is an EXPORT_MISMATCH.
 */
export async function verifyRfsqOnnx(params: RfsqParams, models: RfsqOnnxModels, actions: Float32Array): Promise<void> {
  const { C, A, H, L } = params.config;
  const B = actions.length / (C * A);
  if (B === 0) return;
  const tok = new RfsqTokenizer(params);
  const fail = (file: string, what: string): never => {
    throw new RfsqError('EXPORT_MISMATCH', `${file}: ${what}`, { subject: file });
  };
  const enc = await ort.InferenceSession.create(models.encoder);
  const dec = await ort.InferenceSession.create(models.decoder);
  try {
    const e = await enc.run({ actions: new ort.Tensor('float32', actions, [B, C, A]) });
    const latent = e.latent!.data as Float32Array;
    const core = tok.encodeLatent(actions);
    const dz = maxAbsDiff(core, latent);
    if (dz > 1e-4) fail('rfsq_encoder.onnx', `latent differs from the TypeScript core by ${dz}`);
    const tokens = Int32Array.from(e.tokens!.data as BigInt64Array, Number);
    const expected = residualQuantize(latent, params.config, params).tokens;
    if (expected.some((c, i) => c !== tokens[i])) fail('rfsq_encoder.onnx', 'tokens differ from the core quantizer on the same latent');
    const d = await dec.run({ tokens: new ort.Tensor('int64', BigInt64Array.from(tokens, (v) => BigInt(v)), [B, C, H, L]) });
    const decoded = tok.decode(tokens);
    const range = Math.max(...params.actionNormalization.high.map((h, i) => h - params.actionNormalization.low[i]!));
    const dx = maxAbsDiff(decoded, d.actions!.data as Float32Array);
    if (dx > 1e-4 * Math.max(1, range)) fail('rfsq_decoder.onnx', `actions differ from the TypeScript core by ${dx}`);
  } finally {
    await enc.release();
    await dec.release();
  }
}

function maxAbsDiff(a: Float32Array, b: Float32Array): number {
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i]! - b[i]!));
  return m;
}
