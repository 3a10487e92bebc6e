/**
 * Dimensions of the embedded LIBERO-Spatial-style scene, in metres. The table top is the plane
 * z = 0; x points from the robot towards the agent-view camera, y to the robot's left.
 * Everything that reads object state (success predicate, expert, layouts) takes sizes from here.
 */
export const GEOMETRY = {
  table: { halfX: 0.42, halfY: 0.55, thickness: 0.04 },
  bowl: {
    /** Base disk radius and height; the bowl's body origin is the centre of its bottom face. */
    baseRadius: 0.036,
    baseHeight: 0.008,
    /** Wall segments: centre radius, radial half-thickness, lift off the bottom, height. */
    wallRadius: 0.042,
    wallHalfThickness: 0.003,
    wallLift: 0.006,
    wallHeight: 0.038,
    wallSegments: 16,
    /** Outer radius of the walls. */
    outerRadius: 0.045,
  },
  plate: { radius: 0.085, height: 0.012 },
  ramekin: { radius: 0.04, height: 0.045 },
  cookieBox: { halfX: 0.06, halfY: 0.09, height: 0.05 },
  stove: { halfX: 0.09, halfY: 0.09, height: 0.02 },
  cabinet: {
    halfX: 0.08,
    halfY: 0.1,
    height: 0.2,
    panel: 0.01,
    /** Top drawer: floor height, wall height, travel of the slide joint. */
    drawerFloor: 0.13,
    drawerWallHeight: 0.05,
    drawerTravel: 0.16,
    drawerHalfX: 0.07,
    drawerHalfY: 0.085,
  },
  hand: {
    /** Finger opening per finger at gripper action −1, and the squeeze target at +1 (beyond closure). */
    fingerOpen: 0.06,
    fingerSqueeze: -0.02,
    padHalfThickness: 0.004,
    padHalfZ: 0.028,
    padCenterZ: 0.006,
    palmZ: 0.045,
  },
  /** Where the hand starts, and the box its target is clamped to. */
  handHome: [-0.18, 0, 0.3] as const,
  workspace: { min: [-0.4, -0.5, -0.01] as const, max: [0.4, 0.5, 0.5] as const },
} as const;

/** Height of the top face of the cabinet's drawer floor above the table. */
export function drawerFloorTop(): number {
  return GEOMETRY.cabinet.drawerFloor + 0.005;
}
