import { BridgeError } from '../errors/bridge-error.ts';
import { CONTROL, fingerTarget, nextTargetPosition, rotateQuat } from './hand-control.ts';
import type { InitState } from './init-states.ts';
import type { MujocoModule } from './mujoco-runtime.ts';
import { GEOMETRY } from './scene-geometry.ts';
import type { Pose, SceneState } from './scene-state.ts';
import { BODY, buildSceneXml, JOINT } from './scene-xml.ts';
import { Simulation } from './simulation.ts';

const OBJ_BODY = 1;
const OBJ_JOINT = 3;

/** Internal physics time after placing objects, so they settle before the first observation. */
const SETTLE_SUBSTEPS = 60;

type Vec3 = [number, number, number];
type Quat = [number, number, number, number];

function yawQuat(yaw: number): Quat {
  return [Math.cos(yaw / 2), 0, 0, Math.sin(yaw / 2)];
}

/**
 * The embedded scene on one MuJoCo model: places objects for an initial state, applies 7-D
 * delta end-effector actions, and reads privileged state. Owns its `Simulation`.
 */
export class SpatialScene {
  readonly sim: Simulation;
  private readonly ids: Record<keyof typeof BODY, number>;
  private readonly qadr: { bowl1: number; bowl2: number; hand: number; drawer: number; fl: number; fr: number };
  private readonly dadr: { bowl1: number };
  private readonly mocapId: number;
  private taskId = -1;
  private readonly tmp3 = new Float64Array(3);
  private readonly tmp4 = new Float64Array(4);

  private constructor(sim: Simulation) {
    this.sim = sim;
    const ids = {} as Record<keyof typeof BODY, number>;
    for (const key of Object.keys(BODY) as (keyof typeof BODY)[]) ids[key] = sim.id(OBJ_BODY, BODY[key]);
    this.ids = ids;
    const m = sim.model;
    const jq = (jointName: string): number => m.jnt_qposadr[sim.id(OBJ_JOINT, jointName)] ?? -1;
    const bodyJoint = (body: number): number => m.body_jntadr[body] ?? -1;
    this.qadr = {
      bowl1: m.jnt_qposadr[bodyJoint(ids.bowl1)] ?? -1,
      bowl2: m.jnt_qposadr[bodyJoint(ids.bowl2)] ?? -1,
      hand: m.jnt_qposadr[bodyJoint(ids.hand)] ?? -1,
      drawer: jq(JOINT.drawer),
      fl: jq(JOINT.fingerLeft),
      fr: jq(JOINT.fingerRight),
    };
    this.dadr = { bowl1: m.jnt_dofadr[bodyJoint(ids.bowl1)] ?? -1 };
    this.mocapId = m.body_mocapid[ids.handTarget] ?? -1;
  }

  static create(mj: MujocoModule): SpatialScene {
    return new SpatialScene(Simulation.fromXml(mj, buildSceneXml()));
  }

  bodyId(key: keyof typeof BODY): number {
    return this.ids[key];
  }

  /** Resets physics and places every object of `state`; the hand starts at its home pose, open. */
  reset(state: InitState): void {
    const { mj, model: m, data: d } = this.sim;
    mj.mj_resetData(m, d);
    this.taskId = state.taskId;
    const bodyPos = m.body_pos;
    const bodyQuat = m.body_quat;
    const placeStatic = (id: number, x: number, y: number, yaw: number): void => {
      bodyPos.set([x, y, 0], 3 * id);
      bodyQuat.set(yawQuat(yaw), 4 * id);
    };
    placeStatic(this.ids.plate, state.plate.x, state.plate.y, state.plate.yaw);
    placeStatic(this.ids.ramekin, state.ramekin.x, state.ramekin.y, state.ramekin.yaw);
    placeStatic(this.ids.cookieBox, state.cookieBox.x, state.cookieBox.y, state.cookieBox.yaw);
    placeStatic(this.ids.stove, state.stove.x, state.stove.y, state.stove.yaw);
    placeStatic(this.ids.cabinet, state.cabinet.x, state.cabinet.y, state.cabinet.yaw);
    const qpos = d.qpos;
    const free = (adr: number, x: number, y: number, z: number, yaw: number): void => {
      qpos.set([x, y, z + 0.0005, ...yawQuat(yaw)], adr);
    };
    free(this.qadr.bowl1, state.targetBowl.x, state.targetBowl.y, state.targetBowl.z, state.targetBowl.yaw);
    free(this.qadr.bowl2, state.otherBowl.x, state.otherBowl.y, state.otherBowl.z, state.otherBowl.yaw);
    const [hx, hy, hz] = GEOMETRY.handHome;
    qpos.set([hx, hy, hz, 1, 0, 0, 0], this.qadr.hand);
    qpos[this.qadr.drawer] = state.drawerOpen;
    qpos[this.qadr.fl] = GEOMETRY.hand.fingerOpen;
    qpos[this.qadr.fr] = GEOMETRY.hand.fingerOpen;
    d.mocap_pos.set([hx, hy, hz], 3 * this.mocapId);
    d.mocap_quat.set([1, 0, 0, 0], 4 * this.mocapId);
    const ctrl = d.ctrl;
    ctrl[0] = GEOMETRY.hand.fingerOpen;
    ctrl[1] = GEOMETRY.hand.fingerOpen;
    mj.mj_forward(m, d);
    for (let i = 0; i < SETTLE_SUBSTEPS; i++) mj.mj_step(m, d);
    mj.mj_forward(m, d);
    this.checkFinite('reset');
  }

  /** Applies one normalised action (float64 [7] in [−1, 1]) for one 20 Hz control step. */
  step(action: Float64Array): void {
    const { mj, model: m, data: d } = this.sim;
    const mocapPos = d.mocap_pos;
    const mocapQuat = d.mocap_quat;
    const o3 = 3 * this.mocapId;
    const o4 = 4 * this.mocapId;
    const ee = this.eePos();
    nextTargetPosition(mocapPos.subarray(o3, o3 + 3), ee, action.subarray(0, 3), this.tmp3);
    mocapPos.set(this.tmp3, o3);
    const r = CONTROL.radiansPerUnit;
    rotateQuat(mocapQuat.subarray(o4, o4 + 4), [(action[3] ?? 0) * r, (action[4] ?? 0) * r, (action[5] ?? 0) * r], this.tmp4);
    mocapQuat.set(this.tmp4, o4);
    const target = fingerTarget(action[6] ?? 0);
    const ctrl = d.ctrl;
    ctrl[0] = target;
    ctrl[1] = target;
    for (let i = 0; i < CONTROL.substeps; i++) mj.mj_step(m, d);
    mj.mj_forward(m, d);
    this.checkFinite('step');
  }

  private checkFinite(where: string): void {
    const qpos = this.sim.data.qpos;
    for (let i = 0; i < qpos.length; i++) {
      if (!Number.isFinite(qpos[i])) {
        throw new BridgeError('SIMULATION_FAILED', `physics diverged during ${where} (qpos[${i}] = ${qpos[i]})`, { subject: where });
      }
    }
  }

  /** Grip point, world frame: float64 [3] (a copy). */
  eePos(): Vec3 {
    const x = this.sim.data.xpos;
    const o = 3 * this.ids.hand;
    return [x[o] ?? 0, x[o + 1] ?? 0, x[o + 2] ?? 0];
  }

  /** Hand orientation (w, x, y, z). */
  eeQuat(): Quat {
    return this.bodyQuat(this.ids.hand);
  }

  fingers(): [number, number] {
    const q = this.sim.data.qpos;
    return [q[this.qadr.fl] ?? 0, q[this.qadr.fr] ?? 0];
  }

  private bodyPose(id: number): Pose {
    const x = this.sim.data.xpos;
    return { pos: [x[3 * id] ?? 0, x[3 * id + 1] ?? 0, x[3 * id + 2] ?? 0], quat: this.bodyQuat(id) };
  }

  private bodyQuat(id: number): Quat {
    const q = this.sim.data.xquat;
    return [q[4 * id] ?? 1, q[4 * id + 1] ?? 0, q[4 * id + 2] ?? 0, q[4 * id + 3] ?? 0];
  }

  /** Privileged state for the success predicate and the expert. */
  state(): SceneState {
    const qvel = this.sim.data.qvel;
    const v = this.dadr.bowl1;
    return {
      taskId: this.taskId,
      ee: this.bodyPose(this.ids.hand),
      fingers: this.fingers(),
      targetBowl: this.bodyPose(this.ids.bowl1),
      otherBowl: this.bodyPose(this.ids.bowl2),
      targetBowlSpeed: Math.hypot(qvel[v] ?? 0, qvel[v + 1] ?? 0, qvel[v + 2] ?? 0),
      plate: this.bodyPose(this.ids.plate),
      ramekin: this.bodyPose(this.ids.ramekin),
      cookieBox: this.bodyPose(this.ids.cookieBox),
      stove: this.bodyPose(this.ids.stove),
      cabinet: this.bodyPose(this.ids.cabinet),
      drawerOpen: this.sim.data.qpos[this.qadr.drawer] ?? 0,
    };
  }

  /** Full physics state qpos ‖ qvel (float64 [nq + nv]), as LIBERO stores `states` in demos. */
  physicsState(): Float64Array {
    const d = this.sim.data;
    const out = new Float64Array(d.qpos.length + d.qvel.length);
    out.set(d.qpos, 0);
    out.set(d.qvel, d.qpos.length);
    return out;
  }

  /**
   * Everything the next steps depend on: time, qpos, qvel, actuator and mocap targets and the
   * solver's warm start (so a restored scene steps bit-identically to the original).
   */
  snapshot(): SceneSnapshot {
    const d = this.sim.data;
    return {
      taskId: this.taskId,
      time: d.time,
      qpos: Float64Array.from(d.qpos),
      qvel: Float64Array.from(d.qvel),
      act: Float64Array.from(d.act),
      ctrl: Float64Array.from(d.ctrl),
      mocapPos: Float64Array.from(d.mocap_pos),
      mocapQuat: Float64Array.from(d.mocap_quat),
      qaccWarmstart: Float64Array.from(d.qacc_warmstart),
    };
  }

  /** Puts the scene back to `s` (taken from this scene, with the same object placement). */
  restore(s: SceneSnapshot): void {
    const { mj, model: m, data: d } = this.sim;
    if (s.qpos.length !== d.qpos.length || s.qvel.length !== d.qvel.length)
      throw new BridgeError('SIMULATION_FAILED', `snapshot has qpos ${s.qpos.length}/qvel ${s.qvel.length}, scene ${d.qpos.length}/${d.qvel.length}`, { subject: 'restore' });
    this.taskId = s.taskId;
    d.time = s.time;
    d.qpos.set(s.qpos);
    d.qvel.set(s.qvel);
    d.act.set(s.act);
    d.ctrl.set(s.ctrl);
    d.mocap_pos.set(s.mocapPos);
    d.mocap_quat.set(s.mocapQuat);
    d.qacc_warmstart.set(s.qaccWarmstart);
    mj.mj_forward(m, d);
  }

  dispose(): void {
    this.sim.dispose();
  }
}

/** A copy of a scene's dynamic state (see {@link SpatialScene.snapshot}); the placement of static objects is not in it. */
export interface SceneSnapshot {
  readonly taskId: number;
  readonly time: number;
  readonly qpos: Float64Array;
  readonly qvel: Float64Array;
  readonly act: Float64Array;
  readonly ctrl: Float64Array;
  readonly mocapPos: Float64Array;
  readonly mocapQuat: Float64Array;
  readonly qaccWarmstart: Float64Array;
}
