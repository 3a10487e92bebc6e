import { drawerFloorTop, GEOMETRY } from './scene-geometry.ts';
import { yawOf, type Pose, type SceneState } from './scene-state.ts';

/** Horizontal footprint of a static object: a disk or an oriented rectangle, with its top height. */
interface Footprint {
  readonly kind: 'disk' | 'rect';
  readonly pose: Pose;
  readonly radius: number;
  readonly halfX: number;
  readonly halfY: number;
  readonly top: number;
}

/** Distance from point (x, y) to a footprint (0 inside). */
function distanceTo(f: Footprint, x: number, y: number): number {
  const dx = x - f.pose.pos[0];
  const dy = y - f.pose.pos[1];
  if (f.kind === 'disk') return Math.max(0, Math.hypot(dx, dy) - f.radius);
  const yaw = yawOf(f.pose.quat);
  const c = Math.cos(yaw);
  const s = Math.sin(yaw);
  const lx = Math.abs(c * dx + s * dy) - f.halfX;
  const ly = Math.abs(-s * dx + c * dy) - f.halfY;
  return Math.hypot(Math.max(0, lx), Math.max(0, ly));
}

/** The static objects of the scene (and the open drawer) as footprints with their top heights. */
export function staticFootprints(s: SceneState): Footprint[] {
  const c = GEOMETRY.cabinet;
  const cabPos = s.cabinet.pos;
  const drawerCentre: Pose = { pos: [cabPos[0] + s.drawerOpen, cabPos[1], 0], quat: s.cabinet.quat };
  return [
    { kind: 'disk', pose: s.plate, radius: GEOMETRY.plate.radius, halfX: 0, halfY: 0, top: GEOMETRY.plate.height },
    { kind: 'disk', pose: s.ramekin, radius: GEOMETRY.ramekin.radius, halfX: 0, halfY: 0, top: GEOMETRY.ramekin.height },
    { kind: 'rect', pose: s.cookieBox, radius: 0, halfX: GEOMETRY.cookieBox.halfX, halfY: GEOMETRY.cookieBox.halfY, top: GEOMETRY.cookieBox.height },
    { kind: 'rect', pose: s.stove, radius: 0, halfX: GEOMETRY.stove.halfX, halfY: GEOMETRY.stove.halfY, top: GEOMETRY.stove.height },
    { kind: 'rect', pose: s.cabinet, radius: 0, halfX: c.halfX, halfY: c.halfY, top: c.height },
    { kind: 'rect', pose: drawerCentre, radius: 0, halfX: c.drawerHalfX + 0.015, halfY: c.drawerHalfY + 0.005, top: c.drawerFloor + c.drawerWallHeight },
  ];
}

/** Highest top of any static object within `radius` of (x, y); 0 (the table) if none. */
export function supportHeightNear(s: SceneState, x: number, y: number, radius: number): number {
  let top = 0;
  for (const f of staticFootprints(s)) if (distanceTo(f, x, y) < radius) top = Math.max(top, f.top);
  return top;
}

/** True when (x, y) lies inside the open drawer's floor. */
export function insideDrawer(s: SceneState, x: number, y: number): boolean {
  if (s.drawerOpen < 0.05) return false;
  const c = GEOMETRY.cabinet;
  const dx = x - (s.cabinet.pos[0] + s.drawerOpen);
  const dy = y - s.cabinet.pos[1];
  return Math.abs(dx) < c.drawerHalfX && Math.abs(dy) < c.drawerHalfY && drawerFloorTop() > 0;
}
