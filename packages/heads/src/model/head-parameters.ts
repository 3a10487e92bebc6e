import { HeadsError } from '../errors/heads-error.ts';
import type { HeadsConfig } from '../heads-config.ts';

/**
 * Draft head weights as plain data, keyed by the PyTorch `state_dict` names of
 * ARCHITECTURE.md: `blocks.{i}.weight` float32 [E, in], `blocks.{i}.bias` float32 [E],
 * `out.weight` float32 [C·H·k·K, in], `out.bias` float32 [C·H·k·K]. Row-major, PyTorch
 * `[out, in]` layout.
 */
export type DraftWeights = Readonly<Record<string, Float32Array>>;

/**
 * Main head weights as plain data, keyed by the PyTorch `state_dict` names of
 * ARCHITECTURE.md: `in_features.weight` [D, F], `in_features.bias` [D],
 * `in_tokens.weight` [D, L·P·K], `hidden.{i}.weight` [D, D], `hidden.{i}.bias` [D],
 * `out.weight` [L·P·K, D], `out.bias` [L·P·K] (all float32, row-major `[out, in]`).
 * Values at masked positions are ignored by every forward and export.
 */
export type MainWeights = Readonly<Record<string, Float32Array>>;

/** Which head a set of weights belongs to. */
export type HeadArch = 'draft' | 'main';

/** One parameter: its `state_dict` name and shape. */
export interface ParameterSpec {
  readonly name: string;
  readonly shape: readonly number[];
}

/** The draft head's parameters in `state_dict` order. */
export function draftParameterSpecs(cfg: HeadsConfig): ParameterSpec[] {
  const specs: ParameterSpec[] = [];
  let inWidth = cfg.F;
  for (let i = 0; i < cfg.draftDepth; i++) {
    specs.push({ name: `blocks.${i}.weight`, shape: [cfg.draftWidth, inWidth] });
    specs.push({ name: `blocks.${i}.bias`, shape: [cfg.draftWidth] });
    inWidth = cfg.draftWidth;
  }
  const out = cfg.C * cfg.H * cfg.draftLayers * cfg.K;
  specs.push({ name: 'out.weight', shape: [out, inWidth] });
  specs.push({ name: 'out.bias', shape: [out] });
  return specs;
}

/** The main head's parameters in `state_dict` order. */
export function mainParameterSpecs(cfg: HeadsConfig): ParameterSpec[] {
  const D = cfg.mainWidth;
  const LPK = cfg.L * cfg.C * cfg.H * cfg.K;
  const specs: ParameterSpec[] = [
    { name: 'in_features.weight', shape: [D, cfg.F] },
    { name: 'in_features.bias', shape: [D] },
    { name: 'in_tokens.weight', shape: [D, LPK] },
  ];
  for (let i = 0; i < cfg.mainDepth - 1; i++) {
    specs.push({ name: `hidden.${i}.weight`, shape: [D, D] });
    specs.push({ name: `hidden.${i}.bias`, shape: [D] });
  }
  specs.push({ name: 'out.weight', shape: [LPK, D] });
  specs.push({ name: 'out.bias', shape: [LPK] });
  return specs;
}

/** The parameters of `arch` in `state_dict` order. */
export function headParameterSpecs(cfg: HeadsConfig, arch: HeadArch): ParameterSpec[] {
  return arch === 'draft' ? draftParameterSpecs(cfg) : mainParameterSpecs(cfg);
}

/**
 * Checks that `weights` holds exactly the parameters of `arch` with the right sizes.
 * Throws `CHECKPOINT_MISMATCH` naming the missing, extra or mis-sized parameter.
 */
export function checkHeadWeights(
  cfg: HeadsConfig,
  arch: HeadArch,
  weights: Readonly<Record<string, Float32Array>>,
  source = `${arch} weights`,
): void {
  const specs = headParameterSpecs(cfg, arch);
  const expected = new Set(specs.map((s) => s.name));
  for (const s of specs) {
    const w = weights[s.name];
    if (w === undefined) {
      throw new HeadsError('CHECKPOINT_MISMATCH', `${source}: missing parameter "${s.name}" [${s.shape.join(', ')}]`, {
        subject: s.name,
      });
    }
    if (!(w instanceof Float32Array)) {
      throw new HeadsError('CHECKPOINT_MISMATCH', `${source}: parameter "${s.name}" must be a Float32Array`, {
        subject: s.name,
      });
    }
    const n = s.shape.reduce((a, b) => a * b, 1);
    if (w.length !== n) {
      throw new HeadsError(
        'CHECKPOINT_MISMATCH',
        `${source}: parameter "${s.name}" has ${w.length} values, expected [${s.shape.join(', ')}] = ${n}`,
        { subject: s.name },
      );
    }
  }
  for (const name of Object.keys(weights)) {
    if (!expected.has(name)) {
      throw new HeadsError('CHECKPOINT_MISMATCH', `${source}: unexpected parameter "${name}" for the ${arch} head`, {
        subject: name,
      });
    }
  }
}
