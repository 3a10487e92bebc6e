import { describe, expect, it } from 'vitest';
import { GEOMETRY } from './scene-geometry.ts';
import type { Pose, SceneState } from './scene-state.ts';
import { bowlOnPlate, bowlReleased, isSuccess } from './success.ts';

const at = (x: number, y: number, z: number, quat: Pose['quat'] = [1, 0, 0, 0]): Pose => ({ pos: [x, y, z], quat });
const plateTop = GEOMETRY.plate.height;

function state(over: Partial<SceneState> = {}): SceneState {
  return {
    taskId: 0,
    ee: at(0.1, 0, 0.2),
    fingers: [0.06, 0.06],
    targetBowl: at(0.1, 0, plateTop),
    otherBowl: at(-0.1, 0, 0),
    targetBowlSpeed: 0,
    plate: at(0.1, 0, 0),
    ramekin: at(0, 0.2, 0),
    cookieBox: at(0, -0.2, 0),
    stove: at(-0.1, -0.3, 0),
    cabinet: at(-0.1, 0.3, 0),
    drawerOpen: 0,
    ...over,
  };
}

describe('success predicate', () => {
  it('holds for a released bowl resting on the plate', () => {
    expect(isSuccess(state())).toBe(true);
  });

  it('fails when the bowl is off-centre, in the air, tipped over or still moving', () => {
    expect(bowlOnPlate(state({ targetBowl: at(0.17, 0, plateTop) }))).toBe(false);
    expect(bowlOnPlate(state({ targetBowl: at(0.1, 0, plateTop + 0.03) }))).toBe(false);
    expect(bowlOnPlate(state({ targetBowl: at(0.1, 0, 0) }))).toBe(false);
    const tipped: Pose['quat'] = [Math.cos(0.4), Math.sin(0.4), 0, 0];
    expect(bowlOnPlate(state({ targetBowl: at(0.1, 0, plateTop, tipped) }))).toBe(false);
    expect(bowlOnPlate(state({ targetBowlSpeed: 0.2 }))).toBe(false);
  });

  it('fails while the fingers still grip the bowl', () => {
    const gripping = state({ ee: at(0.1, 0, plateTop + 0.033), fingers: [0.044, 0.045] });
    expect(bowlOnPlate(gripping)).toBe(true);
    expect(bowlReleased(gripping)).toBe(false);
    expect(isSuccess(gripping)).toBe(false);
    expect(bowlReleased(state({ ee: at(0.1, 0, 0.3), fingers: [0.01, 0.01] }))).toBe(true);
  });

  it('is about the target bowl only', () => {
    expect(isSuccess(state({ targetBowl: at(-0.1, 0, 0), otherBowl: at(0.1, 0, plateTop) }))).toBe(false);
  });
});
