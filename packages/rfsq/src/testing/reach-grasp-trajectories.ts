import { SeededPrng } from '../util/seeded-prng.ts';

/** One generated demonstration: actions float64 [T, 7] (dx dy dz droll dpitch dyaw gripper). */
export interface GeneratedEpisode {
  readonly actions: Float64Array;
  readonly T: number;
}

/**
 * Smooth reaching-and-grasping demonstrations in LIBERO's action space (7-D delta end-effector
 * at 20 Hz, LIBERO's scaling: ±1 ≈ the controller's max step; gripper −1 open, +1 closed),
 * standing in for expert demos where none exist yet. Seeded: the same seed gives the same
 * episodes on every machine.
 *
 * Each episode: from a random start, move above a random object (minimum-jerk profile),
 * descend, close the gripper, lift, carry to a random place target, descend, open, retreat.
 * The wrist turns smoothly to a random yaw during the reach, and a slow drift (sum of two
 * random low-frequency sinusoids per dim) plus small per-step noise keep the data from being
 * piecewise exact. Actions are position deltas per step divided by `maxStep` (clipped to ±1).
 */
export function generateReachGraspEpisodes(
  count: number,
  seed: number,
  options: { maxStep?: number; noise?: number } = {},
): GeneratedEpisode[] {
  if (!Number.isInteger(count) || count < 1) throw new RangeError(`count must be an integer >= 1, got ${count}`);
  const maxStep = options.maxStep ?? 0.015;
  const noise = options.noise ?? 0.01;
  const rng = new SeededPrng(seed);
  const episodes: GeneratedEpisode[] = [];
  for (let e = 0; e < count; e++) episodes.push(oneEpisode(rng, maxStep, noise));
  return episodes;
}

type Vec3 = [number, number, number];

interface Segment {
  to: Vec3;
  steps: number;
  yawTo: number;
  gripper: number;
}

function oneEpisode(rng: SeededPrng, maxStep: number, noise: number): GeneratedEpisode {
  const start: Vec3 = [rng.uniform(-0.1, 0.1), rng.uniform(-0.1, 0.1), rng.uniform(0.25, 0.35)];
  const obj: Vec3 = [rng.uniform(-0.2, 0.2), rng.uniform(-0.2, 0.2), 0.02];
  const place: Vec3 = [rng.uniform(-0.2, 0.2), rng.uniform(-0.2, 0.2), 0.05];
  const hover = rng.uniform(0.08, 0.14);
  const yaw = rng.uniform(-0.6, 0.6);
  const steps = (a: Vec3, b: Vec3, speed: number) =>
    Math.max(6, Math.ceil(Math.hypot(b[0] - a[0], b[1] - a[1], b[2] - a[2]) / (maxStep * speed)));
  const above = (p: Vec3): Vec3 => [p[0], p[1], p[2] + hover];
  const lifted: Vec3 = [obj[0], obj[1], obj[2] + hover + rng.uniform(0.02, 0.06)];
  const plan: Segment[] = [];
  let at = start;
  const go = (to: Vec3, speed: number, yawTo: number, gripper: number) => {
    plan.push({ to, steps: steps(at, to, speed), yawTo, gripper });
    at = to;
  };
  go(above(obj), rng.uniform(0.45, 0.6), yaw, -1);
  go(obj, rng.uniform(0.3, 0.45), yaw, -1);
  plan.push({ to: obj, steps: 6 + rng.int(5), yawTo: yaw, gripper: 1 });
  go(lifted, rng.uniform(0.35, 0.5), yaw, 1);
  go(above(place), rng.uniform(0.45, 0.6), yaw * 0.5, 1);
  go(place, rng.uniform(0.3, 0.45), yaw * 0.5, 1);
  plan.push({ to: place, steps: 5 + rng.int(4), yawTo: yaw * 0.5, gripper: -1 });
  go(above(place), rng.uniform(0.4, 0.55), yaw * 0.5, -1);

  const T = plan.reduce((n, s) => n + s.steps, 0);
  const actions = new Float64Array(T * 7);
  const drift = Array.from({ length: 6 }, () => ({
    a1: rng.uniform(0, 0.08),
    f1: rng.uniform(0.02, 0.08),
    p1: rng.uniform(0, 6.3),
    a2: rng.uniform(0, 0.05),
    f2: rng.uniform(0.08, 0.2),
    p2: rng.uniform(0, 6.3),
  }));
  let t = 0;
  let pos: Vec3 = start;
  let curYaw = 0;
  for (const seg of plan) {
    const from = pos;
    const yaw0 = curYaw;
    let prevS = 0;
    for (let i = 1; i <= seg.steps; i++, t++) {
      const x = i / seg.steps;
      const s = x * x * x * (10 - 15 * x + 6 * x * x); // minimum-jerk profile
      const ds = s - prevS;
      prevS = s;
      for (let d = 0; d < 3; d++) {
        const dv = (seg.to[d]! - from[d]!) * ds;
        actions[t * 7 + d] = clip(dv / maxStep + wobble(drift[d]!, t) + noise * rng.normal());
      }
      actions[t * 7 + 3] = clip(wobble(drift[3]!, t) * 0.5 + noise * rng.normal());
      actions[t * 7 + 4] = clip(wobble(drift[4]!, t) * 0.5 + noise * rng.normal());
      actions[t * 7 + 5] = clip(((seg.yawTo - yaw0) * ds) / (maxStep * 4) + wobble(drift[5]!, t) + noise * rng.normal());
      actions[t * 7 + 6] = seg.gripper;
    }
    pos = seg.to;
    curYaw = seg.yawTo;
  }
  return { actions, T };
}

function wobble(d: { a1: number; f1: number; p1: number; a2: number; f2: number; p2: number }, t: number): number {
  return d.a1 * Math.sin(d.f1 * t + d.p1) + d.a2 * Math.sin(d.f2 * t + d.p2);
}

function clip(v: number): number {
  return v > 1 ? 1 : v < -1 ? -1 : v;
}
