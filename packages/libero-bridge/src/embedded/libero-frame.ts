/**
 * LIBERO's observation conventions, as measured on real LIBERO (8f1084e, robosuite 1.4.1, MuJoCo
 * 3.14, libero_spatial task 0): the world frame has its origin on the floor with the table top
 * about 0.9 m up (the Panda's hand starts near (−0.21, −0.015, 1.18)); `robot0_eef_quat` is
 * (x, y, z, w) and reads about (1, 0, 0, 0) at rest, the hand pointing down (180° about x);
 * `robot0_gripper_qpos` is (left, right), left positive and right negative: ±0.039 open,
 * ±0.0012 closed on nothing.
 *
 * The embedded scene is built and simulated in its own frame (table top at z = 0, hand identity =
 * fingers down, both finger slides positive), which the scripted expert and `SceneState` keep;
 * observations are mapped into LIBERO's conventions here, so a policy sees the same frames,
 * signs and finger scale on both backends.
 */
export const LIBERO_FRAME = {
  /** World position of the scene frame's origin (the table top's centre), metres. */
  sceneOrigin: [0, 0, 0.9] as const,
  /** Sign of each finger joint in LIBERO's `gripper_qpos`: left +, right −. */
  fingerSigns: [1, -1] as const,
} as const;

/**
 * The two anchor points of the finger map, metres: an embedded finger slide (scene frame, ≥ 0
 * except while squeezing against its joint limit) and the magnitude real LIBERO reports for the
 * same gripper state. `open`: gripper −1 held (embedded 0.0600, LIBERO 0.0390); `closedEmpty`:
 * gripper +1 held with nothing between the fingers (embedded −0.0021 after ~20 steps, steady
 * −0.0020974; LIBERO 0.0012).
 */
export const FINGER_ANCHORS = {
  open: { embedded: 0.06, libero: 0.039 },
  closedEmpty: { embedded: -0.0021, libero: 0.0012 },
} as const;

/**
 * The affine finger map fitted to {@link FINGER_ANCHORS}: |LIBERO finger| = `scale` · slide +
 * `offset` (scale ≈ 0.6087, dimensionless; offset ≈ 0.0024783 m). It is strictly increasing, so
 * the finger keeps its sign for every slide above −offset / scale ≈ −4.07 mm, twice the deepest
 * squeeze of the closing fingers (−2.11 mm); it is invertible, so a policy trained on the raw
 * slides can be rebased exactly (`eval-cli/tools/rebase-bundle-proprio.ts --preset
 * libero-gripper-2026-12`).
 */
export const FINGER_MAP = (() => {
  const { open, closedEmpty } = FINGER_ANCHORS;
  const scale = (open.libero - closedEmpty.libero) / (open.embedded - closedEmpty.embedded);
  return { scale, offset: open.libero - scale * open.embedded } as const;
})();

/** Scene-frame position float64 [3] → LIBERO world frame float64 [3]. */
export function toLiberoPosition(scenePos: ArrayLike<number>): Float64Array {
  const o = LIBERO_FRAME.sceneOrigin;
  return Float64Array.of((scenePos[0] ?? 0) + o[0], (scenePos[1] ?? 0) + o[1], (scenePos[2] ?? 0) + o[2]);
}

/**
 * Finger slides [left, right] (scene frame, metres) → LIBERO's `gripper_qpos` float64 [2]:
 * `sign · (FINGER_MAP.scale · slide + FINGER_MAP.offset)` with signs (left +, right −).
 */
export function toLiberoFingers(fingers: ArrayLike<number>): Float64Array {
  const s = LIBERO_FRAME.fingerSigns;
  const { scale, offset } = FINGER_MAP;
  return Float64Array.of(s[0] * (scale * (fingers[0] ?? 0) + offset), s[1] * (scale * (fingers[1] ?? 0) + offset));
}

/**
 * Scene hand orientation (w, x, y, z), identity = fingers down → LIBERO's `eef_quat` float64 [4]
 * in (x, y, z, w) order, in robosuite's hand frame: q_scene ⊗ Rx(180°), so the hand at rest reads
 * (1, 0, 0, 0) (its z axis, the approach direction, points down) and a world-frame turn of the
 * scene hand is the same world-frame turn of the LIBERO quaternion. No sign canonicalisation
 * (q and −q are the same rotation; the map is continuous).
 */
export function toLiberoQuat(sceneQuat: ArrayLike<number>): Float64Array {
  const w = sceneQuat[0] ?? 1;
  const x = sceneQuat[1] ?? 0;
  const y = sceneQuat[2] ?? 0;
  const z = sceneQuat[3] ?? 0;
  // (w, x, y, z) ⊗ (0, 1, 0, 0) = (−x, w, z, −y) in (w, x, y, z); written as (x, y, z, w)
  // (`+ 0` turns a negated zero into +0, so a resting hand reads exactly (1, 0, 0, 0))
  return Float64Array.of(w, z, -y + 0, -x + 0);
}
