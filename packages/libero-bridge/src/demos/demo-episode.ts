/**
 * One demonstration in LIBERO's HDF5 layout (`data/demo_N`). T is the number of steps: the
 * observation at row t is the one the action at row t was chosen from.
 */
export interface DemoEpisode {
  /** `actions`: float64 [T, 7], in [−1, 1]. */
  readonly actions: Float64Array;
  /** `obs/agentview_rgb`: uint8 [T, H, W, 3], upright (row 0 = top). */
  readonly agentviewRgb: Uint8Array;
  /** `obs/eye_in_hand_rgb`: uint8 [T, H, W, 3], when rendered. */
  readonly eyeInHandRgb?: Uint8Array;
  /** `obs/ee_pos`: float64 [T, 3], metres. */
  readonly eePos: Float64Array;
  /** `obs/ee_ori`: float64 [T, 3], axis-angle (robosuite's `quat2axisangle`). */
  readonly eeOri: Float64Array;
  /** End-effector quaternion (x, y, z, w): float64 [T, 4] (goes into `robot_states`). */
  readonly eeQuat: Float64Array;
  /** `obs/gripper_states`: float64 [T, 2], finger positions in metres. */
  readonly gripperStates: Float64Array;
  /** `states`: float64 [T, S], the simulator state (qpos ‖ qvel) before each action. */
  readonly states: Float64Array;
  /** `rewards` and `dones`: uint8 [T]; 1 on the last (successful) step. */
  readonly rewards: Uint8Array;
  readonly dones: Uint8Array;
  /** Attributes of the demo group beyond LIBERO's (`init_origin`, `expert_seed`). */
  readonly initOrigin: string;
  readonly expertSeed: number;
}

/** Image size and state width shared by every demo of a file. */
export interface DemoShapes {
  readonly height: number;
  readonly width: number;
  readonly stateDim: number;
}

/** Number of steps T of an episode (from its actions). */
export function demoLength(ep: DemoEpisode): number {
  return ep.actions.length / 7;
}

/** Axis-angle of a unit quaternion (x, y, z, w), as robosuite's `quat2axisangle`. Writes float64 [3]. */
export function quatToAxisAngle(x: number, y: number, z: number, w: number): [number, number, number] {
  const wc = Math.min(1, Math.max(-1, w));
  const den = Math.sqrt(1 - wc * wc);
  if (den < 1e-12) return [0, 0, 0];
  const angle = 2 * Math.acos(wc);
  return [(x * angle) / den, (y * angle) / den, (z * angle) / den];
}
