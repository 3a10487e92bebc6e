import { HeadsError } from './errors/heads-error.ts';

/**
 * One JSON config drives both heads and their ONNX contract:
 * - draft: `features` float32 [B,F] → `logits` float32 [B,C,H,k,K]
 * - main:  `features` float32 [B,F], `tokens` int64 [B,C,H,L] → `logits` float32 [B,C,H,L,K]
 */
export interface HeadsConfig {
  /** Backbone feature width (OpenVLA: 4096). */
  readonly F: number;
  /** Action chunk length. */
  readonly C: number;
  /** Latent dims per step. */
  readonly H: number;
  /** Residual layers. */
  readonly L: number;
  /** FSQ levels per code. */
  readonly K: number;
  /** Layers the draft proposes, 1..L. */
  readonly draftLayers: number;
  /** Hidden width of the main head. */
  readonly mainWidth: number;
  /** Hidden layers of the main head (>= 1); see ARCHITECTURE.md. */
  readonly mainDepth: number;
  /** Hidden width of the draft head. */
  readonly draftWidth: number;
  /** Hidden layers of the draft head (>= 0); see ARCHITECTURE.md. */
  readonly draftDepth: number;
}

const FIELDS = ['F', 'C', 'H', 'L', 'K', 'draftLayers', 'mainWidth', 'mainDepth', 'draftWidth', 'draftDepth'] as const;

/** Checks a parsed JSON config; names the first bad field. */
export function validateHeadsConfig(value: unknown, source = 'config'): HeadsConfig {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new HeadsError('INVALID_CONFIG', `${source} must be a JSON object`, { subject: source });
  }
  const v = value as Record<string, unknown>;
  for (const f of FIELDS) {
    const x = v[f];
    const min = f === 'draftDepth' ? 0 : f === 'K' ? 2 : 1;
    if (typeof x !== 'number' || !Number.isInteger(x) || x < min) {
      throw new HeadsError('INVALID_CONFIG', `${source}: field "${f}" must be an integer >= ${min}, got ${JSON.stringify(x)}`, {
        subject: `${source}.${f}`,
      });
    }
  }
  const cfg = value as HeadsConfig;
  if (cfg.draftLayers > cfg.L) {
    throw new HeadsError('INVALID_CONFIG', `${source}: field "draftLayers" (${cfg.draftLayers}) must be <= L (${cfg.L})`, {
      subject: `${source}.draftLayers`,
    });
  }
  return cfg;
}
