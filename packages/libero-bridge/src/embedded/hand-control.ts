import { GEOMETRY } from './scene-geometry.ts';

/**
 * Delta end-effector control, scaled as LIBERO's OSC controller: one action unit moves the
 * hand's target by 0.05 m (dx, dy, dz) and turns it by 0.5 rad (droll, dpitch, dyaw, world axes)
 * per 20 Hz step. The gripper value maps linearly from −1 (fingers open) to +1 (closing past
 * contact, so the fingers squeeze).
 */
export const CONTROL = {
  metresPerUnit: 0.05,
  radiansPerUnit: 0.5,
  /** The target never leads the hand by more than this (no wind-up when blocked). */
  maxLead: 0.1,
  /** Physics substeps per control step (timestep 2 ms → 20 Hz). */
  substeps: 25,
} as const;

/** Finger position target for a gripper action in [−1, 1]. */
export function fingerTarget(gripper: number): number {
  const h = GEOMETRY.hand;
  return h.fingerOpen + ((gripper + 1) / 2) * (h.fingerSqueeze - h.fingerOpen);
}

/**
 * Next mocap target position. target, ee: float64 [3]; delta: action[0..2] in [−1, 1].
 * Writes into `out` (float64 [3]).
 */
export function nextTargetPosition(target: ArrayLike<number>, ee: ArrayLike<number>, delta: ArrayLike<number>, out: Float64Array): void {
  const { min, max } = GEOMETRY.workspace;
  for (let i = 0; i < 3; i++) {
    const v = (target[i] ?? 0) + (delta[i] ?? 0) * CONTROL.metresPerUnit;
    out[i] = Math.min(max[i] ?? 0, Math.max(min[i] ?? 0, v));
  }
  const dx = (out[0] ?? 0) - (ee[0] ?? 0);
  const dy = (out[1] ?? 0) - (ee[1] ?? 0);
  const dz = (out[2] ?? 0) - (ee[2] ?? 0);
  const lead = Math.hypot(dx, dy, dz);
  if (lead > CONTROL.maxLead) {
    const k = CONTROL.maxLead / lead;
    out[0] = (ee[0] ?? 0) + dx * k;
    out[1] = (ee[1] ?? 0) + dy * k;
    out[2] = (ee[2] ?? 0) + dz * k;
  }
}

/**
 * Turns quaternion q (w, x, y, z) by the rotation vector `rot` (radians, world frame):
 * q' = exp(rot) ⊗ q, normalised. Writes into `out` (float64 [4]).
 */
export function rotateQuat(q: ArrayLike<number>, rot: readonly [number, number, number], out: Float64Array): void {
  const angle = Math.hypot(rot[0], rot[1], rot[2]);
  const w0 = q[0] ?? 1;
  const x0 = q[1] ?? 0;
  const y0 = q[2] ?? 0;
  const z0 = q[3] ?? 0;
  let w = w0;
  let x = x0;
  let y = y0;
  let z = z0;
  if (angle > 1e-12) {
    const s = Math.sin(angle / 2) / angle;
    const rw = Math.cos(angle / 2);
    const rx = rot[0] * s;
    const ry = rot[1] * s;
    const rz = rot[2] * s;
    w = rw * w0 - rx * x0 - ry * y0 - rz * z0;
    x = rw * x0 + rx * w0 + ry * z0 - rz * y0;
    y = rw * y0 - rx * z0 + ry * w0 + rz * x0;
    z = rw * z0 + rx * y0 - ry * x0 + rz * w0;
  }
  const n = Math.hypot(w, x, y, z);
  out[0] = w / n;
  out[1] = x / n;
  out[2] = y / n;
  out[3] = z / n;
}
