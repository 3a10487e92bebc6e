import { GEOMETRY } from './scene-geometry.ts';
import { uprightness, type SceneState } from './scene-state.ts';

/** Tolerances of the success predicate. */
export const SUCCESS = {
  /** Bowl centre within this horizontal distance of the plate centre. */
  maxCentreDistance: 0.06,
  /** Bowl bottom within this band above the plate's top face. */
  minHeightAbovePlate: -0.006,
  maxHeightAbovePlate: 0.012,
  /** Bowl axis within ~25° of vertical. */
  minUprightness: 0.9,
  /** Released: both fingers farther from the centre than the bowl wall plus this clearance. */
  releaseClearance: 0.004,
  /** Or the grip point far from the bowl. */
  releasedDistance: 0.1,
  maxSpeed: 0.05,
} as const;

/** The target bowl rests on the plate (centred, at the plate's height, upright, nearly still). */
export function bowlOnPlate(s: SceneState): boolean {
  const b = s.targetBowl.pos;
  const p = s.plate.pos;
  const d = Math.hypot(b[0] - p[0], b[1] - p[1]);
  const h = b[2] - (p[2] + GEOMETRY.plate.height);
  return (
    d <= SUCCESS.maxCentreDistance &&
    h >= SUCCESS.minHeightAbovePlate &&
    h <= SUCCESS.maxHeightAbovePlate &&
    uprightness(s.targetBowl.quat) >= SUCCESS.minUprightness &&
    s.targetBowlSpeed <= SUCCESS.maxSpeed
  );
}

/** The gripper does not hold the target bowl: fingers opened past its wall, or hand away from it. */
export function bowlReleased(s: SceneState): boolean {
  const b = s.targetBowl.pos;
  const e = s.ee.pos;
  if (Math.hypot(b[0] - e[0], b[1] - e[1], b[2] - e[2]) > SUCCESS.releasedDistance) return true;
  const open = GEOMETRY.bowl.outerRadius + SUCCESS.releaseClearance;
  return s.fingers[0] >= open && s.fingers[1] >= open;
}

/** Success of every `embedded_spatial` task: the named bowl resting on the plate and released. */
export function isSuccess(s: SceneState): boolean {
  return bowlOnPlate(s) && bowlReleased(s);
}
