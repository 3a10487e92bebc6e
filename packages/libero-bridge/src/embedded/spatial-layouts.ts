/**
 * The ten layouts of `embedded_spatial`, one per LIBERO-Spatial instruction. Each names where
 * every object stands before perturbation; the target is always `akita_black_bowl_1` and the
 * goal is always the plate. Positions in metres on the table plane (x towards the camera,
 * y to the robot's left), yaw in radians.
 */

/** A placement on the table: centre of the object's footprint, and yaw about z. */
export interface Placement {
  readonly x: number;
  readonly y: number;
  readonly yaw: number;
}

/** Where the target bowl starts: on the table, or on/in another object. */
export type BowlSupport = 'table' | 'cookie_box' | 'ramekin' | 'stove' | 'cabinet_top' | 'top_drawer';

export interface SpatialLayout {
  /** Target bowl: a placement when on the table, ignored (taken from the support) otherwise. */
  readonly targetBowl: Placement;
  readonly targetSupport: BowlSupport;
  readonly otherBowl: Placement;
  readonly plate: Placement;
  readonly ramekin: Placement;
  readonly cookieBox: Placement;
  readonly stove: Placement;
  readonly cabinet: Placement;
  /** Opening of the cabinet's top drawer, metres along its slide. */
  readonly drawerOpen: number;
}

const p = (x: number, y: number, yaw = 0): Placement => ({ x, y, yaw });
const CABINET = p(-0.1, 0.34);
const STOVE = p(-0.1, -0.34);

/** Opening of the top drawer in the drawer task; the bowl sits at the drawer's centre. */
export const DRAWER_TASK_OPEN = 0.15;

export const SPATIAL_LAYOUTS: readonly SpatialLayout[] = [
  // 0: between the plate and the ramekin
  { targetBowl: p(0.1, 0.04), targetSupport: 'table', otherBowl: p(-0.12, -0.12), plate: p(0.1, -0.13), ramekin: p(0.1, 0.16), cookieBox: p(-0.1, 0.1), stove: STOVE, cabinet: CABINET, drawerOpen: 0 },
  // 1: next to the ramekin
  { targetBowl: p(0.07, 0.1), targetSupport: 'table', otherBowl: p(-0.12, -0.1), plate: p(0.1, -0.12), ramekin: p(-0.06, 0.1), cookieBox: p(0.13, 0.28), stove: STOVE, cabinet: CABINET, drawerOpen: 0 },
  // 2: from table center
  { targetBowl: p(0, 0), targetSupport: 'table', otherBowl: p(0.12, 0.15), plate: p(0.12, -0.16), ramekin: p(-0.13, 0.1), cookieBox: p(-0.14, -0.12), stove: STOVE, cabinet: CABINET, drawerOpen: 0 },
  // 3: on the cookie box
  { targetBowl: p(0, 0), targetSupport: 'cookie_box', otherBowl: p(-0.12, -0.1), plate: p(0.12, -0.1), ramekin: p(0.14, 0.14), cookieBox: p(-0.02, 0.1), stove: STOVE, cabinet: CABINET, drawerOpen: 0 },
  // 4: in the top drawer of the wooden cabinet
  { targetBowl: p(0, 0), targetSupport: 'top_drawer', otherBowl: p(0.14, 0.1), plate: p(0.1, -0.08), ramekin: p(-0.08, 0.08), cookieBox: p(-0.1, -0.1), stove: STOVE, cabinet: CABINET, drawerOpen: DRAWER_TASK_OPEN },
  // 5: on the ramekin
  { targetBowl: p(0, 0), targetSupport: 'ramekin', otherBowl: p(-0.13, -0.08), plate: p(0.1, -0.12), ramekin: p(0, 0.12), cookieBox: p(0.14, 0.3), stove: STOVE, cabinet: CABINET, drawerOpen: 0 },
  // 6: next to the cookie box
  { targetBowl: p(0.07, 0.11), targetSupport: 'table', otherBowl: p(-0.12, -0.17), plate: p(0.1, -0.12), ramekin: p(-0.04, -0.06), cookieBox: p(-0.08, 0.11), stove: STOVE, cabinet: CABINET, drawerOpen: 0 },
  // 7: on the stove
  { targetBowl: p(0, 0), targetSupport: 'stove', otherBowl: p(0.12, 0.15), plate: p(0.1, -0.06), ramekin: p(-0.06, 0.1), cookieBox: p(-0.14, -0.07), stove: STOVE, cabinet: CABINET, drawerOpen: 0 },
  // 8: next to the plate
  { targetBowl: p(0.08, 0.13), targetSupport: 'table', otherBowl: p(-0.14, -0.06), plate: p(0.08, -0.06), ramekin: p(-0.08, 0.16), cookieBox: p(0.14, 0.32), stove: STOVE, cabinet: CABINET, drawerOpen: 0 },
  // 9: on the wooden cabinet
  { targetBowl: p(0, 0), targetSupport: 'cabinet_top', otherBowl: p(0.12, 0.16), plate: p(0.1, -0.06), ramekin: p(-0.06, 0.1), cookieBox: p(-0.12, -0.1), stove: STOVE, cabinet: CABINET, drawerOpen: 0 },
];
