import type { BundleManifest } from '@rsd/heads';
import { FINGER_MAP, LIBERO_FRAME, type Observation, type SceneState } from '@rsd/libero-bridge';

/**
 * One change of the embedded suite's observation conventions that a trained bundle can be
 * rebased across. Proprio is eePos[3] ‖ gripperQpos[2]: the bundle was trained on `old`, the
 * environment now delivers `new`, and `old = new · scale + bias` per column (float64 [5] each),
 * which `prependInputAffine` puts in front of backbone.onnx's `proprio` input.
 */
export interface ProprioRebasePreset {
  readonly name: string;
  /** What the bundle was trained on, in words (goes into provenance and trainedOn.note). */
  readonly from: string;
  /** What the environment delivers now. */
  readonly to: string;
  readonly scale: readonly number[];
  readonly bias: readonly number[];
  /** Why the bundle cannot be rebased by this preset (already rebased, other conventions), or undefined. */
  refusal(manifest: BundleManifest): string | undefined;
  /** The proprio the bundle saw in training for this state: float32 [5], from the scene's privileged state and the new observation. */
  oldProprio(state: SceneState, observation: Observation): Float32Array;
}

const { scale: a, offset: b } = FINGER_MAP;
const o = LIBERO_FRAME.sceneOrigin;

/** The names of the presets already applied to a bundle, oldest first (provenance.proprioRebase chain). */
export function appliedPresets(manifest: BundleManifest): string[] {
  const names: string[] = [];
  let r = (manifest.provenance as { proprioRebase?: unknown }).proprioRebase;
  while (typeof r === 'object' && r !== null) {
    const step = r as { preset?: unknown; from?: unknown; previous?: unknown };
    // rebases written before presets existed carry no name: they were embedded-v0 → libero
    names.unshift(typeof step.preset === 'string' ? step.preset : step.from === 'embedded-v0' ? 'embedded-v0' : 'unknown');
    r = step.previous;
  }
  return names;
}

/** Finger means of the training data (provenance.teacher.normalization.proprioMean[3..4]), when recorded. */
function trainedFingerMeans(manifest: BundleManifest): [number, number] | undefined {
  const p = manifest.provenance as { teacher?: { normalization?: { proprioMean?: unknown } } };
  const m = p.teacher?.normalization?.proprioMean;
  if (!Array.isArray(m) || m.length !== 5 || !m.every((v) => typeof v === 'number')) return undefined;
  return [m[3] as number, m[4] as number];
}

/**
 * `embedded-v0`: the first embedded conventions (scene frame with the table top at z = 0, both
 * finger slides + and unscaled) → today's LIBERO conventions (world frame, LIBERO's finger
 * scale and signs): old = [eePos − sceneOrigin, (left − b) / a, (−right − b) / a].
 */
const EMBEDDED_V0: ProprioRebasePreset = {
  name: 'embedded-v0',
  from: 'embedded-v0 (table top at z = 0, raw finger slides, both +)',
  to: "libero (world frame, LIBERO's finger scale and signs)",
  scale: [1, 1, 1, 1 / a, -1 / a],
  bias: [-o[0], -o[1], -o[2], -b / a, -b / a],
  refusal(m) {
    if (m.trainedOn !== undefined && m.trainedOn.conventions !== 'embedded-v0') return `trainedOn.conventions is ${m.trainedOn.conventions}, not embedded-v0`;
    if (appliedPresets(m).length > 0) return `it was already rebased (${appliedPresets(m).join(' → ')})`;
    return undefined;
  },
  oldProprio: (s) => Float32Array.of(s.ee.pos[0], s.ee.pos[1], s.ee.pos[2], s.fingers[0], s.fingers[1]),
};

/**
 * `libero-gripper-2026-12`: LIBERO's frames with the embedded hand's raw finger slides (open
 * ±0.0600, closed on nothing ∓0.0021) → LIBERO's finger scale (±0.0390, ±0.0012), the change of
 * December 2026; eePos is unchanged: old = [eePos, (left − b) / a, (right + b) / a].
 */
const LIBERO_GRIPPER_2026_12: ProprioRebasePreset = {
  name: 'libero-gripper-2026-12',
  from: 'libero with the raw embedded finger slides (open ±0.060, closed ∓0.0021)',
  to: "libero with LIBERO's finger scale (open ±0.039, closed ±0.0012)",
  scale: [1, 1, 1, 1 / a, 1 / a],
  bias: [0, 0, 0, -b / a, b / a],
  refusal(m) {
    if (m.trainedOn !== undefined && m.trainedOn.conventions !== 'libero') return `trainedOn.conventions is ${m.trainedOn.conventions}; rebase it with --preset embedded-v0, which covers both changes`;
    const applied = appliedPresets(m);
    if (applied.includes('libero-gripper-2026-12') || applied.includes('embedded-v0')) return `its proprio already reads LIBERO's finger scale (rebased: ${applied.join(' → ')})`;
    const means = trainedFingerMeans(m);
    // open fingers dominate the data: the old slides average ~0.05, LIBERO's scale stays below 0.039
    if (means !== undefined && Math.abs(means[0]) <= 0.04 && Math.abs(means[1]) <= 0.04) {
      return `its training data's finger means (${means.map((v) => v.toFixed(4)).join(', ')}) are on LIBERO's scale already: it was trained after the change`;
    }
    return undefined;
  },
  oldProprio: (s, obs) => Float32Array.of(obs.eePos[0]!, obs.eePos[1]!, obs.eePos[2]!, s.fingers[0], -s.fingers[1]),
};

/** The presets by name (`--preset`). */
export const PROPRIO_REBASE_PRESETS: Readonly<Record<string, ProprioRebasePreset>> = {
  [EMBEDDED_V0.name]: EMBEDDED_V0,
  [LIBERO_GRIPPER_2026_12.name]: LIBERO_GRIPPER_2026_12,
};
