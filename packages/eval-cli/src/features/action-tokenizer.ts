import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { ActionNormalization, TokenizerInfo } from '@rsd/heads';
import { exportRfsqOnnx, loadRfsqParams, RfsqTokenizer } from '@rsd/rfsq';
import { loadEngine, readBundle } from '@rsd/rsd-engine';
import { EvalError } from '../errors/eval-error.ts';

/** An RFSQ tokenizer from an RFSQ folder or a bundle, with what a bundle needs of it. */
export interface ActionTokenizer {
  readonly dims: { readonly C: number; readonly A: number; readonly H: number; readonly L: number; readonly K: number };
  readonly actionNormalization: ActionNormalization;
  readonly tokenizer: TokenizerInfo;
  /** The serialized `rfsq_encoder.onnx` and `rfsq_decoder.onnx`. */
  readonly onnx: { readonly encoder: Uint8Array; readonly decoder: Uint8Array };
  /** actions float32 [B, C, A] (env units) → tokens int32 [B, C, H, L]. */
  encode(actions: Float32Array, B: number): Promise<Int32Array>;
  close(): Promise<void>;
}

/**
 * `dir` holds `rfsq.json` (an RFSQ training folder: the tokenizer in TypeScript, ONNX exported
 * from it) or `manifest.json` (a model bundle: its tokenizer fields and ONNX files; encoding runs
 * its `rfsq_encoder.onnx`).
 */
export async function loadActionTokenizer(dir: string): Promise<ActionTokenizer> {
  if (existsSync(join(dir, 'rfsq.json'))) {
    const { params } = loadRfsqParams(dir);
    const t = new RfsqTokenizer(params);
    const { C, A, H, L, K } = params.config;
    return {
      dims: { C, A, H, L, K },
      actionNormalization: { kind: 'bounds', low: [...params.actionNormalization.low], high: [...params.actionNormalization.high] },
      tokenizer: { variant: params.config.variant, layerScales: [...params.layerScales], layerShifts: [...params.layerShifts] },
      onnx: exportRfsqOnnx(params),
      encode: async (actions) => t.encode(actions),
      close: async () => undefined,
    };
  }
  if (existsSync(join(dir, 'manifest.json'))) {
    const b = await readBundle(dir);
    const engine = await loadEngine(dir, { log: () => undefined });
    const { C, A, H, L, K } = b.manifest.dims;
    return {
      dims: { C, A, H, L, K },
      actionNormalization: b.manifest.actionNormalization,
      tokenizer: b.manifest.tokenizer,
      onnx: { encoder: b.models['rfsq_encoder.onnx'], decoder: b.models['rfsq_decoder.onnx'] },
      encode: (actions, B) => engine.encodeActions(actions, B),
      close: () => engine.close(),
    };
  }
  throw new EvalError('INVALID_FLAG', `--rfsq ${dir}: holds neither rfsq.json (an RFSQ folder) nor manifest.json (a model bundle)`, { subject: 'rfsq' });
}
