import { fc, test } from '@fast-check/vitest';
import { describe, expect } from 'vitest';
import { CONTROL, fingerTarget, nextTargetPosition, rotateQuat } from './hand-control.ts';
import { GEOMETRY } from './scene-geometry.ts';

const coord = fc.double({ min: -0.6, max: 0.6, noNaN: true });
const unit = fc.double({ min: -1, max: 1, noNaN: true });
const vec3 = fc.tuple(coord, coord, coord);

describe('delta end-effector control', () => {
  test.prop([vec3, vec3, fc.tuple(unit, unit, unit)])('keeps the target in the workspace and within maxLead of the hand', (target, ee, delta) => {
    const out = new Float64Array(3);
    nextTargetPosition(target, ee, delta, out);
    const { min, max } = GEOMETRY.workspace;
    const lead = Math.hypot(out[0]! - ee[0], out[1]! - ee[1], out[2]! - ee[2]);
    expect(lead).toBeLessThanOrEqual(CONTROL.maxLead + 1e-9);
    // without the lead clamp, each axis lies in the workspace box
    if (Math.hypot(...[0, 1, 2].map((i) => Math.min(max[i]!, Math.max(min[i]!, target[i]! + delta[i]! * CONTROL.metresPerUnit)) - ee[i]!)) <= CONTROL.maxLead) {
      for (let i = 0; i < 3; i++) {
        expect(out[i]).toBeGreaterThanOrEqual(min[i]!);
        expect(out[i]).toBeLessThanOrEqual(max[i]!);
      }
    }
  });

  test.prop([vec3, fc.tuple(unit, unit, unit)])('moves the target by exactly 0.05 m per unit when nothing clamps', (ee, delta) => {
    const small = delta.map((d) => d * 0.5) as [number, number, number];
    const target = ee.map((v) => Math.max(-0.3, Math.min(0.3, v))) as [number, number, number];
    target[2] = Math.max(0.05, Math.min(0.4, target[2]));
    const out = new Float64Array(3);
    nextTargetPosition(target, target, small, out);
    for (let i = 0; i < 3; i++) expect(out[i]! - target[i]!).toBeCloseTo(small[i]! * CONTROL.metresPerUnit, 12);
  });

  test.prop([fc.tuple(unit, unit, unit, unit).filter((q) => Math.hypot(...q) > 0.1), fc.tuple(unit, unit, unit)])(
    'turns by the rotation vector and keeps the quaternion unit',
    (q, rot) => {
      const n = Math.hypot(...q);
      const qn = q.map((v) => v / n);
      const out = new Float64Array(4);
      rotateQuat(qn, rot, out);
      expect(Math.hypot(...out)).toBeCloseTo(1, 12);
      // the relative rotation out ⊗ q⁻¹ has angle |rot| (mod 2π)
      const dot = Math.abs(out[0]! * qn[0]! + out[1]! * qn[1]! + out[2]! * qn[2]! + out[3]! * qn[3]!);
      expect(2 * Math.acos(Math.min(1, dot))).toBeCloseTo(Math.min(Math.hypot(...rot), 2 * Math.PI - Math.hypot(...rot)), 6);
    },
  );

  test.prop([unit, unit])('maps the gripper monotonically from open (−1) to squeezing (+1)', (a, b) => {
    expect(fingerTarget(-1)).toBe(GEOMETRY.hand.fingerOpen);
    expect(fingerTarget(1)).toBeCloseTo(GEOMETRY.hand.fingerSqueeze, 12);
    if (a < b - 1e-9) expect(fingerTarget(a)).toBeGreaterThan(fingerTarget(b));
  });
});
