/** A rigid pose: position float64 [3] (metres, world) and orientation quaternion (w, x, y, z). */
export interface Pose {
  readonly pos: readonly [number, number, number];
  readonly quat: readonly [number, number, number, number];
}

/**
 * Privileged state of the embedded scene: what the success predicate and the scripted expert
 * read. Static objects report their placement; bowls their free-body pose (origin = centre of
 * the bottom face).
 */
export interface SceneState {
  readonly taskId: number;
  /** Grip point between the finger pads; quaternion (w, x, y, z). */
  readonly ee: Pose;
  /** Finger joint positions [left, right] in metres, 0 = closed, 0.06 = fully open. */
  readonly fingers: readonly [number, number];
  readonly targetBowl: Pose;
  readonly otherBowl: Pose;
  /** Linear speed of the target bowl, m/s. */
  readonly targetBowlSpeed: number;
  readonly plate: Pose;
  readonly ramekin: Pose;
  readonly cookieBox: Pose;
  readonly stove: Pose;
  readonly cabinet: Pose;
  readonly drawerOpen: number;
}

/** z component of a body's local z axis in the world (1 = upright). quat: (w, x, y, z). */
export function uprightness(quat: Pose['quat']): number {
  const [, x, y] = quat;
  return 1 - 2 * (x * x + y * y);
}

/** Yaw (rotation about world z) of a quaternion (w, x, y, z). */
export function yawOf(quat: Pose['quat']): number {
  const [w, x, y, z] = quat;
  return Math.atan2(2 * (w * z + x * y), 1 - 2 * (y * y + z * z));
}
