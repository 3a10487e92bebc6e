import { BridgeError } from '../errors/bridge-error.ts';
import { EMBEDDED_SPATIAL_TASKS, NUM_INIT_STATES } from './embedded-spatial-suite.ts';
import { mixSeed, Prng } from './prng.ts';
import { drawerFloorTop, GEOMETRY } from './scene-geometry.ts';
import { SPATIAL_LAYOUTS, type Placement, type SpatialLayout } from './spatial-layouts.ts';

/** A pose on or above the table: footprint centre, height of the object's bottom, yaw. */
export interface TablePose {
  readonly x: number;
  readonly y: number;
  readonly z: number;
  readonly yaw: number;
}

/** Everything that differs between initial states of the embedded scene. */
export interface InitState {
  readonly taskId: number;
  /** Where it came from: `eval:<index>` (the fixed 50) or `train:<seed>` (drawInitState). */
  readonly origin: string;
  readonly targetBowl: TablePose;
  readonly otherBowl: TablePose;
  readonly plate: Placement;
  readonly ramekin: Placement;
  readonly cookieBox: Placement;
  readonly stove: Placement;
  readonly cabinet: Placement;
  readonly drawerOpen: number;
}

/** Seed streams: evaluation states and training draws never share a generator state. */
const EVAL_STREAM = 0x5eed0001;
const TRAIN_STREAM = 0x7a1e0002;
const VALIDATION_STREAM = 0x7a1d0003;

function jitter(rng: Prng, base: Placement, dxy: number, dyaw: number): Placement {
  return { x: base.x + rng.uniform(-dxy, dxy), y: base.y + rng.uniform(-dxy, dxy), yaw: base.yaw + rng.uniform(-dyaw, dyaw) };
}

function perturb(layout: SpatialLayout, taskId: number, rng: Prng, origin: string): InitState {
  const cabinet = jitter(rng, layout.cabinet, 0.008, 0);
  const stove = jitter(rng, layout.stove, 0.008, 0.08);
  const plate = jitter(rng, layout.plate, 0.01, Math.PI);
  const ramekin = jitter(rng, layout.ramekin, 0.01, Math.PI);
  const cookieBox = jitter(rng, layout.cookieBox, 0.01, 0.1);
  const other = jitter(rng, layout.otherBowl, 0.01, Math.PI);
  const bowlYaw = rng.uniform(-Math.PI, Math.PI);
  const s = layout.drawerOpen;
  let target: TablePose;
  switch (layout.targetSupport) {
    case 'table': {
      const t = jitter(rng, layout.targetBowl, 0.01, 0);
      target = { x: t.x, y: t.y, z: 0, yaw: bowlYaw };
      break;
    }
    case 'cookie_box':
      target = onTop(rng, cookieBox, GEOMETRY.cookieBox.height, 0.01, bowlYaw);
      break;
    case 'ramekin':
      target = onTop(rng, ramekin, GEOMETRY.ramekin.height, 0.003, bowlYaw);
      break;
    case 'stove':
      target = onTop(rng, stove, GEOMETRY.stove.height, 0.01, bowlYaw);
      break;
    case 'cabinet_top':
      target = onTop(rng, cabinet, GEOMETRY.cabinet.height, 0.008, bowlYaw);
      break;
    case 'top_drawer':
      target = {
        x: cabinet.x + s + rng.uniform(-0.006, 0.006),
        y: cabinet.y + rng.uniform(-0.004, 0.004),
        z: drawerFloorTop(),
        yaw: bowlYaw,
      };
      break;
  }
  return {
    taskId,
    origin,
    targetBowl: target,
    otherBowl: { x: other.x, y: other.y, z: 0, yaw: other.yaw },
    plate,
    ramekin,
    cookieBox,
    stove,
    cabinet,
    drawerOpen: s,
  };
}

function onTop(rng: Prng, support: Placement, height: number, dxy: number, yaw: number): TablePose {
  return { x: support.x + rng.uniform(-dxy, dxy), y: support.y + rng.uniform(-dxy, dxy), z: height, yaw };
}

function checkTask(taskId: number): SpatialLayout {
  const layout = Number.isInteger(taskId) ? SPATIAL_LAYOUTS[taskId] : undefined;
  if (layout === undefined) {
    throw new BridgeError('UNKNOWN_TASK', `embedded_spatial has tasks 0..${EMBEDDED_SPATIAL_TASKS.length - 1}, got ${taskId}`, {
      subject: 'taskId',
    });
  }
  return layout;
}

/** Fixed initial state `index` (0..49) of a task: the same on every machine, used by evaluation. */
export function fixedInitState(taskId: number, index: number): InitState {
  const layout = checkTask(taskId);
  if (!Number.isInteger(index) || index < 0 || index >= NUM_INIT_STATES) {
    throw new BridgeError('UNKNOWN_INIT_STATE', `task ${taskId} has initial states 0..${NUM_INIT_STATES - 1}, got ${index}`, {
      subject: 'initState',
    });
  }
  return perturb(layout, taskId, new Prng(mixSeed(EVAL_STREAM, taskId, index)), `eval:${index}`);
}

/**
 * A training initial state drawn from `seed` (any uint32): same distribution as the fixed states
 * but a separate seed stream, so demonstrations never start from an evaluation state.
 */
export function drawInitState(taskId: number, seed: number): InitState {
  const layout = checkTask(taskId);
  if (!Number.isInteger(seed) || seed < 0 || seed > 0xffffffff) {
    throw new RangeError(`seed must be an integer in [0, 2^32), got ${seed}`);
  }
  return perturb(layout, taskId, new Prng(mixSeed(TRAIN_STREAM, taskId, seed)), `train:${seed}`);
}

/**
 * Validation initial state `index` (0..NUM_INIT_STATES−1) of a task: the training distribution
 * again, from a third seed stream, for tuning execution settings without touching the fixed
 * evaluation states (LIBERO itself has no validation split).
 */
export function validationInitState(taskId: number, index: number): InitState {
  const layout = checkTask(taskId);
  if (!Number.isInteger(index) || index < 0 || index >= NUM_INIT_STATES) {
    throw new BridgeError('UNKNOWN_INIT_STATE', `task ${taskId} has validation states 0..${NUM_INIT_STATES - 1}, got ${index}`, {
      subject: 'initState',
    });
  }
  return perturb(layout, taskId, new Prng(mixSeed(VALIDATION_STREAM, taskId, index)), `validation:${index}`);
}
