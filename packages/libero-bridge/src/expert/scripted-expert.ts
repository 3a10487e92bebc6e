import { Prng } from '../embedded/prng.ts';
import { GEOMETRY } from '../embedded/scene-geometry.ts';
import { yawOf, type SceneState } from '../embedded/scene-state.ts';
import { bowlOnPlate } from '../embedded/success.ts';
import { insideDrawer, supportHeightNear } from '../embedded/support-height.ts';
import { CONTROL } from '../embedded/hand-control.ts';

/** What the expert is doing, read from the state alone (never from elapsed time). */
export type ExpertPhase = 'approach' | 'descend' | 'close' | 'lift' | 'carry' | 'lower' | 'release' | 'retreat' | 'reopen';

/** Per-episode randomisation of the expert (drawn from its seed). */
export interface ExpertStyle {
  /** Grip height above the bowl's bottom, metres. */
  readonly graspHeight: number;
  /** Height of the bowl's bottom while carried, metres above the table. */
  readonly carryHeight: number;
  /** Largest action magnitude on x, y, z. */
  readonly speed: number;
  /** Standard deviation-like amplitude of the per-step uniform action noise. */
  readonly noise: number;
}

const R = GEOMETRY.bowl.outerRadius;
const PLATE_TOP = GEOMETRY.plate.height;

function clip(v: number, lim: number): number {
  return Math.max(-lim, Math.min(lim, v));
}

function wrapHalfTurn(a: number): number {
  let x = a % Math.PI;
  if (x > Math.PI / 2) x -= Math.PI;
  if (x < -Math.PI / 2) x += Math.PI;
  return x;
}

/** Hand yaw that keeps the fingers away from the nearest neighbour of the bowl (fingers close along the hand's y). */
function graspYaw(s: SceneState, currentYaw: number): number {
  const [bx, by] = s.targetBowl.pos;
  if (insideDrawer(s, bx, by)) return yawOf(s.cabinet.quat);
  const neighbours: [number, number, number][] = [
    [s.plate.pos[0], s.plate.pos[1], GEOMETRY.plate.radius],
    [s.ramekin.pos[0], s.ramekin.pos[1], GEOMETRY.ramekin.radius],
    [s.cookieBox.pos[0], s.cookieBox.pos[1], 0.075],
    [s.otherBowl.pos[0], s.otherBowl.pos[1], R],
    [s.cabinet.pos[0], s.cabinet.pos[1], 0.1],
  ];
  let best: [number, number] | undefined;
  let bestClear = 0.12;
  for (const [x, y, r] of neighbours) {
    const d = Math.hypot(x - bx, y - by);
    if (d < r) continue; // the bowl stands on it
    if (d - r < bestClear) {
      bestClear = d - r;
      best = [x - bx, y - by];
    }
  }
  if (best === undefined) return currentYaw;
  return Math.atan2(best[1], best[0]);
}

/**
 * Scripted expert for every `embedded_spatial` task, from privileged state. `act(state)` looks
 * at the bowl, the plate, the hand and the fingers to decide the phase, so it can label any
 * state (DAgger). Seeded: the style (grip height, carry height, speed) and small action noise
 * vary between episodes; the same seed and states give the same actions.
 */
export class ScriptedExpert {
  readonly style: ExpertStyle;
  private readonly rng: Prng;
  /** Phase chosen at the last `act` call (for logs and tests). */
  lastPhase: ExpertPhase = 'approach';

  constructor(seed: number, style?: Partial<ExpertStyle>) {
    this.rng = new Prng(seed);
    this.style = {
      graspHeight: style?.graspHeight ?? this.rng.uniform(0.031, 0.036),
      carryHeight: style?.carryHeight ?? this.rng.uniform(0.1, 0.14),
      speed: style?.speed ?? this.rng.uniform(0.25, 0.4),
      noise: style?.noise ?? 0.03,
    };
  }

  /** The action for `state`: float64 [7] in [−1, 1]. */
  act(s: SceneState): Float64Array {
    const { phase, target, gripper, yaw } = this.plan(s);
    this.lastPhase = phase;
    const ee = s.ee.pos;
    const out = new Float64Array(7);
    const k = 1 / CONTROL.metresPerUnit;
    for (let i = 0; i < 3; i++) {
      const n = this.style.noise * (this.rng.next() * 2 - 1);
      out[i] = clip(((target[i] ?? 0) - (ee[i] ?? 0)) * k + n, this.style.speed);
    }
    const yawErr = wrapHalfTurn(yaw - yawOf(s.ee.quat));
    out[5] = clip(yawErr / CONTROL.radiansPerUnit, 0.6);
    out[6] = gripper;
    return out;
  }

  private plan(s: SceneState): { phase: ExpertPhase; target: [number, number, number]; gripper: number; yaw: number } {
    const st = this.style;
    const [ex, ey, ez] = s.ee.pos;
    const [bx, by, bz] = s.targetBowl.pos;
    const curYaw = yawOf(s.ee.quat);
    const [fl, fr] = s.fingers;
    const fMin = Math.min(fl, fr);
    const fMax = Math.max(fl, fr);
    const hBowl = Math.hypot(bx - ex, by - ey);
    const dzBowl = ez - bz;
    const held = fMax < R + 0.004 && fMin > R - 0.014 && hBowl < 0.025 && dzBowl > 0.005 && dzBowl < 0.05;

    if (held) {
      const [px, py, pz] = s.plate.pos;
      const placeZ = pz + PLATE_TOP + 0.004;
      const eh = Math.hypot(px - bx, py - by);
      const here = supportHeightNear(s, bx, by, R + 0.01);
      const clearance = Math.max(here, supportHeightNear(s, ex, ey, 0.09)) + 0.04;
      if (eh > 0.012) {
        const carry = Math.max(st.carryHeight, clearance);
        if (bz < Math.max(here + 0.03, Math.min(carry, here + 0.06)) && eh > 0.03) {
          return { phase: 'lift', target: [ex, ey, ez + (carry - bz)], gripper: 1, yaw: curYaw };
        }
        const descendOk = eh < 0.05;
        const zb = descendOk ? Math.max(placeZ + 0.02, here + 0.01) : carry;
        return { phase: 'carry', target: [ex + (px - bx), ey + (py - by), ez + (zb - bz)], gripper: 1, yaw: curYaw };
      }
      if (bz - placeZ > 0.006) {
        return { phase: 'lower', target: [ex + (px - bx), ey + (py - by), ez + (placeZ - bz)], gripper: 1, yaw: curYaw };
      }
      return { phase: 'release', target: [ex, ey, ez], gripper: -1, yaw: curYaw };
    }

    if (bowlOnPlate({ ...s, targetBowlSpeed: 0 })) {
      return { phase: 'retreat', target: [ex, ey, Math.max(ez, bz + 0.12)], gripper: -1, yaw: curYaw };
    }

    const gx = bx;
    const gy = by;
    const gz = bz + st.graspHeight;
    const yaw = graspYaw(s, curYaw);
    const yawErr = Math.abs(wrapHalfTurn(yaw - curYaw));
    const h = Math.hypot(gx - ex, gy - ey);
    const openEnough = fMin > R + 0.01;
    const nearGrasp = h < 0.015 && Math.abs(ez - gz) < 0.01;

    if (fMax < R - 0.014) {
      // closed on nothing: open and back off upwards
      return { phase: 'reopen', target: [ex, ey, Math.max(ez, gz + 0.05)], gripper: -1, yaw };
    }
    if (nearGrasp && !openEnough) {
      return { phase: 'close', target: [ex, ey, ez], gripper: 1, yaw: curYaw };
    }
    if (h > 0.006 || yawErr > 0.08) {
      const safe = Math.max(gz + 0.07, supportHeightNear(s, ex, ey, 0.09) + 0.08);
      if (ez < gz + 0.05 && h > 0.02) {
        return { phase: 'approach', target: [ex, ey, safe], gripper: -1, yaw };
      }
      return { phase: 'approach', target: [gx, gy, h > 0.03 ? safe : gz + 0.06], gripper: -1, yaw };
    }
    if (!openEnough) {
      return { phase: 'approach', target: [gx, gy, ez], gripper: -1, yaw };
    }
    if (ez - gz > 0.004) {
      return { phase: 'descend', target: [gx, gy, gz], gripper: -1, yaw };
    }
    return { phase: 'close', target: [gx, gy, gz], gripper: 1, yaw };
  }
}
