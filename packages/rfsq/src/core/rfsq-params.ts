import type { ActionNormalization } from './action-normalization.ts';
import { validateActionNormalization } from './action-normalization.ts';
import type { DenseLayer } from './dense-layer.ts';
import { validateMlp } from './dense-layer.ts';
import type { RfsqConfig } from './rfsq-config.ts';
import { validateRfsqConfig } from './rfsq-config.ts';

/** Literal format version of {@link RfsqParams} (and of `rfsq.json`). */
export const RFSQ_FORMAT = 'rsd-rfsq/1';

/**
 * A trained (or random) tokenizer as plain data: everything the TypeScript core and the ONNX
 * export need. The pipeline is
 *
 * ```
 * actions float [B, C, A] (env units)
 *   → x_n = 2 (x − low) / (high − low) − 1             (actionNormalization)
 *   → flatten [B, C·A] → encoder MLP (ReLU hidden) → tanh → z float [B, C·H]
 *   → residual FSQ over L layers (layerScales, layerShifts) → tokens int [B, C, H, L]
 * tokens → ẑ = Σ_l (layerScales[l] · level(code_l) + layerShifts[l]) float [B, C·H]
 *   → decoder MLP (ReLU hidden, linear out) → x̂_n [B, C·A] → env units → [B, C, A]
 * ```
 */
export interface RfsqParams {
  readonly format: typeof RFSQ_FORMAT;
  readonly config: RfsqConfig;
  readonly actionNormalization: ActionNormalization;
  /** float [L]: residual scale of each layer (all 1 for naive). */
  readonly layerScales: readonly number[];
  /** float [L]: residual shift of each layer (all 0 for naive). */
  readonly layerShifts: readonly number[];
  /** Dense layers [C·A → hidden… → C·H]; ReLU between, tanh after the last. */
  readonly encoder: readonly DenseLayer[];
  /** Dense layers [C·H → reversed hidden… → C·A]; ReLU between, linear after the last. */
  readonly decoder: readonly DenseLayer[];
}

/** Throws RangeError/TypeError naming the field when `params` is inconsistent. */
export function validateRfsqParams(params: RfsqParams, name = 'params'): void {
  if (params.format !== RFSQ_FORMAT) {
    throw new RangeError(`${name}.format must be "${RFSQ_FORMAT}", got ${JSON.stringify(params.format)}`);
  }
  const c = params.config;
  validateRfsqConfig(c, `${name}.config`);
  validateActionNormalization(params.actionNormalization, c.A, `${name}.actionNormalization`);
  for (const key of ['layerScales', 'layerShifts'] as const) {
    const v = params[key];
    if (!Array.isArray(v) || v.length !== c.L || !v.every((x) => typeof x === 'number' && Number.isFinite(x))) {
      throw new RangeError(`${name}.${key} must be ${c.L} finite numbers`);
    }
  }
  if (params.layerScales.some((s) => !(s > 0))) throw new RangeError(`${name}.layerScales must be positive`);
  if (c.variant === 'naive' && (params.layerScales.some((s) => s !== 1) || params.layerShifts.some((s) => s !== 0))) {
    throw new RangeError(`${name}: a naive tokenizer has layerScales all 1 and layerShifts all 0`);
  }
  validateMlp(params.encoder, c.C * c.A, c.C * c.H, `${name}.encoder`);
  validateMlp(params.decoder, c.C * c.H, c.C * c.A, `${name}.decoder`);
}
