import { GEOMETRY } from './scene-geometry.ts';

/** Body names of the scene, as LIBERO names the objects of its spatial scenes. */
export const BODY = {
  bowl1: 'akita_black_bowl_1',
  bowl2: 'akita_black_bowl_2',
  plate: 'plate_1',
  ramekin: 'glazed_rim_porcelain_ramekin_1',
  cookieBox: 'cookies_1',
  cabinet: 'wooden_cabinet_1',
  drawer: 'wooden_cabinet_1_top_drawer',
  stove: 'flat_stove_1',
  hand: 'hand',
  handTarget: 'hand_target',
  fingerLeft: 'finger_left',
  fingerRight: 'finger_right',
} as const;

export const JOINT = {
  drawer: 'top_drawer_slide',
  fingerLeft: 'finger_left_slide',
  fingerRight: 'finger_right_slide',
} as const;

/** Geom group of collision-only geoms (the infinite table plane); cameras skip it. */
export const COLLISION_ONLY_GROUP = 3;

export const CAMERA = { agentview: 'agentview', eyeInHand: 'eye_in_hand' } as const;

const f = (v: number): string => String(Math.round(v * 1e6) / 1e6);
const v3 = (a: number, b: number, c: number): string => `${f(a)} ${f(b)} ${f(c)}`;

const BLACK = '0.07 0.07 0.08 1';
const WOOD = '0.55 0.36 0.2 1';

function bowlXml(name: string): string {
  const g = GEOMETRY.bowl;
  const walls: string[] = [];
  const tangentialHalf = (Math.PI * g.wallRadius) / g.wallSegments + 0.0012;
  for (let i = 0; i < g.wallSegments; i++) {
    const a = (2 * Math.PI * i) / g.wallSegments;
    walls.push(
      `<geom class="bowlwall" pos="${v3(g.wallRadius * Math.cos(a), g.wallRadius * Math.sin(a), g.wallLift + g.wallHeight / 2)}" ` +
        `euler="0 0 ${f(a)}" size="${v3(g.wallHalfThickness, tangentialHalf, g.wallHeight / 2)}"/>`,
    );
  }
  return `
    <body name="${name}" pos="0 0 0">
      <freejoint name="${name}_free"/>
      <geom class="bowlbase" type="cylinder" pos="${v3(0, 0, g.baseHeight / 2)}" size="${f(g.baseRadius)} ${f(g.baseHeight / 2)}"/>
      ${walls.join('\n      ')}
    </body>`;
}

function cabinetXml(): string {
  const c = GEOMETRY.cabinet;
  const p = c.panel / 2;
  const dz = c.drawerWallHeight;
  return `
    <body name="${BODY.cabinet}" pos="0 0 0">
      <geom class="fixture" rgba="${WOOD}" pos="${v3(0, c.halfY - p, c.height / 2)}" size="${v3(c.halfX, p, c.height / 2)}"/>
      <geom class="fixture" rgba="${WOOD}" pos="${v3(0, -c.halfY + p, c.height / 2)}" size="${v3(c.halfX, p, c.height / 2)}"/>
      <geom class="fixture" rgba="${WOOD}" pos="${v3(-c.halfX + p, 0, c.height / 2)}" size="${v3(p, c.halfY, c.height / 2)}"/>
      <geom class="fixture" rgba="${WOOD}" pos="${v3(0, 0, c.height - p)}" size="${v3(c.halfX, c.halfY, p)}"/>
      <geom class="fixture" rgba="${WOOD}" pos="${v3(0, 0, c.drawerFloor - 0.006)}" size="${v3(c.halfX, c.halfY, p)}"/>
      <geom class="fixture" rgba="0.5 0.33 0.18 1" pos="${v3(c.halfX - p, 0, (c.drawerFloor - 0.006) / 2)}" size="${v3(p, c.halfY, (c.drawerFloor - 0.006) / 2)}"/>
      <body name="${BODY.drawer}" pos="0 0 0">
        <joint name="${JOINT.drawer}" type="slide" axis="1 0 0" range="0 ${f(c.drawerTravel)}" damping="20" armature="0.5"/>
        <geom class="fixture" rgba="0.6 0.4 0.23 1" pos="${v3(0, 0, c.drawerFloor)}" size="${v3(c.drawerHalfX, c.drawerHalfY, 0.005)}" mass="0.5"/>
        <geom class="fixture" rgba="0.6 0.4 0.23 1" pos="${v3(0, c.drawerHalfY, c.drawerFloor + dz / 2)}" size="${v3(c.drawerHalfX, p, dz / 2)}" mass="0.1"/>
        <geom class="fixture" rgba="0.6 0.4 0.23 1" pos="${v3(0, -c.drawerHalfY, c.drawerFloor + dz / 2)}" size="${v3(c.drawerHalfX, p, dz / 2)}" mass="0.1"/>
        <geom class="fixture" rgba="0.6 0.4 0.23 1" pos="${v3(-c.drawerHalfX, 0, c.drawerFloor + dz / 2)}" size="${v3(p, c.drawerHalfY, dz / 2)}" mass="0.1"/>
        <geom class="fixture" rgba="${WOOD}" pos="${v3(c.drawerHalfX + p, 0, c.drawerFloor + 0.03)}" size="${v3(p, c.halfY - 0.004, 0.034)}" mass="0.1"/>
        <geom class="visual" type="box" rgba="0.8 0.8 0.75 1" pos="${v3(c.drawerHalfX + 3 * p, 0, c.drawerFloor + 0.035)}" size="${v3(p, 0.03, 0.006)}"/>
      </body>
    </body>`;
}

function handXml(): string {
  const h = GEOMETRY.hand;
  const [x, y, z] = GEOMETRY.handHome;
  const finger = (side: 1 | -1, name: string, joint: string): string => `
      <body name="${name}" pos="0 0 0">
        <joint name="${joint}" type="slide" axis="0 ${side} 0" range="0 ${f(h.fingerOpen)}" damping="120" armature="0.01"/>
        <geom class="pad" pos="${v3(0, side * h.padHalfThickness, h.padCenterZ)}" size="${v3(0.012, h.padHalfThickness, h.padHalfZ)}" mass="0.05"/>
      </body>`;
  return `
    <body name="${BODY.handTarget}" mocap="true" pos="${v3(x, y, z)}"/>
    <body name="${BODY.hand}" pos="${v3(x, y, z)}" gravcomp="1">
      <freejoint name="hand_free"/>
      <geom name="palm" type="box" rgba="0.85 0.85 0.88 1" pos="${v3(0, 0, h.palmZ)}" size="0.022 0.075 0.01" mass="0.4" contype="2" conaffinity="1"/>
      <geom class="visual" type="cylinder" rgba="0.9 0.9 0.92 1" pos="${v3(0, 0, h.palmZ + 0.06)}" size="0.025 0.05"/>
      <site name="grip_site" pos="0 0 0" size="0.004"/>
      <camera name="${CAMERA.eyeInHand}" pos="${v3(0.05, 0, h.palmZ + 0.03)}" xyaxes="0 -1 0 0.89 0 0.45" fovy="75"/>
      ${finger(1, BODY.fingerLeft, JOINT.fingerLeft)}
      ${finger(-1, BODY.fingerRight, JOINT.fingerRight)}
    </body>`;
}

/** The MJCF of the whole suite: one model, objects placed per task and initial state at reset. */
export function buildSceneXml(): string {
  const t = GEOMETRY.table;
  const pl = GEOMETRY.plate;
  const rk = GEOMETRY.ramekin;
  const cb = GEOMETRY.cookieBox;
  const st = GEOMETRY.stove;
  return `<mujoco model="embedded_spatial">
  <compiler angle="radian" autolimits="true"/>
  <option timestep="0.002" integrator="implicitfast" cone="elliptic" impratio="10">
    <flag multiccd="enable"/>
  </option>
  <size memory="8M"/>
  <default>
    <geom contype="1" conaffinity="1" condim="3" friction="1 0.005 0.0001"/>
    <default class="visual"><geom contype="0" conaffinity="0" mass="0"/></default>
    <default class="fixture"><geom type="box"/></default>
    <default class="bowlbase"><geom rgba="${BLACK}" density="1500" condim="4" friction="1 0.02 0.001"/></default>
    <default class="bowlwall"><geom type="box" rgba="${BLACK}" density="1500" condim="4" friction="1 0.02 0.001"/></default>
    <default class="pad"><geom type="box" rgba="0.25 0.25 0.28 1" contype="2" conaffinity="1" condim="4" friction="2 0.05 0.001" solref="0.01 1" solimp="0.95 0.99 0.001"/></default>
  </default>
  <worldbody>
    <light directional="true" pos="0 0 2" dir="-0.3 -0.2 -1"/>
    <geom name="floor" type="plane" pos="0 0 -0.8" size="3 3 0.1" rgba="0.45 0.45 0.47 1"/>
    <geom name="table" class="visual" type="box" pos="${v3(0, 0, -t.thickness / 2)}" size="${v3(t.halfX, t.halfY, t.thickness / 2)}" rgba="0.78 0.7 0.58 1"/>
    <geom name="table_surface" type="plane" size="0 0 1" group="${COLLISION_ONLY_GROUP}" rgba="0 0 0 0"/>
    <camera name="${CAMERA.agentview}" pos="0.58 0 0.7" xyaxes="0 1 0 -0.739 0 0.674" fovy="50"/>
    <body name="${BODY.plate}" pos="0 0 0">
      <geom type="cylinder" pos="${v3(0, 0, pl.height / 2)}" size="${f(pl.radius)} ${f(pl.height / 2)}" rgba="0.93 0.93 0.9 1"/>
      <geom class="visual" type="cylinder" pos="${v3(0, 0, pl.height)}" size="${f(pl.radius * 0.62)} 0.0005" rgba="0.82 0.83 0.86 1"/>
    </body>
    <body name="${BODY.ramekin}" pos="0 0 0">
      <geom type="cylinder" pos="${v3(0, 0, rk.height / 2)}" size="${f(rk.radius)} ${f(rk.height / 2)}" rgba="0.92 0.88 0.78 1"/>
      <geom class="visual" type="cylinder" pos="${v3(0, 0, rk.height)}" size="${f(rk.radius * 0.8)} 0.0005" rgba="0.7 0.55 0.35 1"/>
    </body>
    <body name="${BODY.cookieBox}" pos="0 0 0">
      <geom type="box" pos="${v3(0, 0, cb.height / 2)}" size="${v3(cb.halfX, cb.halfY, cb.height / 2)}" rgba="0.85 0.2 0.15 1"/>
      <geom class="visual" type="box" pos="${v3(0, 0, cb.height)}" size="${v3(cb.halfX * 0.6, cb.halfY * 0.7, 0.0005)}" rgba="0.95 0.8 0.3 1"/>
    </body>
    <body name="${BODY.stove}" pos="0 0 0">
      <geom type="box" pos="${v3(0, 0, st.height / 2)}" size="${v3(st.halfX, st.halfY, st.height / 2)}" rgba="0.2 0.2 0.22 1"/>
      <geom class="visual" type="cylinder" pos="${v3(0, 0, st.height)}" size="0.05 0.0005" rgba="0.75 0.15 0.1 1"/>
    </body>
    ${cabinetXml()}
    ${bowlXml(BODY.bowl1)}
    ${bowlXml(BODY.bowl2)}
    ${handXml()}
  </worldbody>
  <contact>
    <exclude body1="${BODY.cabinet}" body2="${BODY.drawer}"/>
  </contact>
  <equality>
    <weld body1="${BODY.handTarget}" body2="${BODY.hand}" solref="0.01 1"/>
  </equality>
  <actuator>
    <position name="finger_left" joint="${JOINT.fingerLeft}" kp="300" ctrlrange="${f(GEOMETRY.hand.fingerSqueeze)} ${f(GEOMETRY.hand.fingerOpen)}" forcerange="-20 20"/>
    <position name="finger_right" joint="${JOINT.fingerRight}" kp="300" ctrlrange="${f(GEOMETRY.hand.fingerSqueeze)} ${f(GEOMETRY.hand.fingerOpen)}" forcerange="-20 20"/>
  </actuator>
</mujoco>
`;
}
