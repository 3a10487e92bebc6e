/**
 * LIBERO's observation conventions, as measured on real LIBERO (8f1084e, robosuite 1.4.1): the
 * world frame has its origin on the floor with the table top about 0.9 m up (the Panda's hand
 * starts near (−0.21, −0.015, 1.18)); `robot0_eef_quat` is (x, y, z, w); `robot0_gripper_qpos`
 * is (left, right) with the left finger positive and the right negative.
 *
 * The embedded scene is built and simulated in its own frame (table top at z = 0, both finger
 * slides positive), which the scripted expert and `SceneState` keep; observations are mapped
 * into LIBERO's frame here, so a policy sees the same frames and signs on both backends.
 */
export const LIBERO_FRAME = {
  /** World position of the scene frame's origin (the table top's centre), metres. */
  sceneOrigin: [0, 0, 0.9] as const,
  /** Sign of each finger joint in LIBERO's `gripper_qpos`: left +, right −. */
  fingerSigns: [1, -1] as const,
} as const;

/** Scene-frame position float64 [3] → LIBERO world frame float64 [3]. */
export function toLiberoPosition(scenePos: ArrayLike<number>): Float64Array {
  const o = LIBERO_FRAME.sceneOrigin;
  return Float64Array.of((scenePos[0] ?? 0) + o[0], (scenePos[1] ?? 0) + o[1], (scenePos[2] ?? 0) + o[2]);
}

/** Finger slides [left, right] (both ≥ 0, metres) → LIBERO's `gripper_qpos` float64 [2] (left +, right −). */
export function toLiberoFingers(fingers: ArrayLike<number>): Float64Array {
  const s = LIBERO_FRAME.fingerSigns;
  return Float64Array.of((fingers[0] ?? 0) * s[0], (fingers[1] ?? 0) * s[1]);
}
