import { fc, test } from '@fast-check/vitest';
import { describe, expect, it } from 'vitest';
import { FINGER_ANCHORS, FINGER_MAP, toLiberoFingers, toLiberoQuat } from './libero-frame.ts';

/** Rotation matrix (row-major [3][3]) of a unit quaternion given as (w, x, y, z). */
function matrixWxyz(w: number, x: number, y: number, z: number): number[][] {
  return [
    [1 - 2 * (y * y + z * z), 2 * (x * y - w * z), 2 * (x * z + w * y)],
    [2 * (x * y + w * z), 1 - 2 * (x * x + z * z), 2 * (y * z - w * x)],
    [2 * (x * z - w * y), 2 * (y * z + w * x), 1 - 2 * (x * x + y * y)],
  ];
}

const unitQuat = fc
  .tuple(...Array.from({ length: 4 }, () => fc.double({ min: -1, max: 1, noNaN: true })))
  .filter((q) => Math.hypot(...q) > 0.1)
  .map((q) => q.map((v) => v / Math.hypot(...q)) as [number, number, number, number]);

describe("the finger map onto LIBERO's scale", () => {
  it('fits both anchors: 0.0600 → ±0.0390 open, −0.0021 → ±0.0012 closed on nothing', () => {
    const { open, closedEmpty } = FINGER_ANCHORS;
    expect([...toLiberoFingers([open.embedded, open.embedded])]).toEqual([expect.closeTo(0.039, 12), expect.closeTo(-0.039, 12)]);
    expect([...toLiberoFingers([closedEmpty.embedded, closedEmpty.embedded])]).toEqual([expect.closeTo(0.0012, 12), expect.closeTo(-0.0012, 12)]);
    expect(FINGER_MAP.scale).toBeCloseTo(0.6087, 4);
    expect(FINGER_MAP.offset).toBeCloseTo(0.00248, 5);
  });

  test.prop([fc.double({ min: -0.004, max: 0.065, noNaN: true }), fc.double({ min: -0.004, max: 0.065, noNaN: true })])(
    'keeps left ≥ 0 and right ≤ 0 for every slide above −4 mm, and is monotone in each finger',
    (left, right) => {
      const [l, r] = toLiberoFingers([left, right]);
      expect(l).toBeGreaterThan(0);
      expect(r).toBeLessThan(0);
      const [l2, r2] = toLiberoFingers([left + 0.001, right + 0.001]);
      expect(l2!).toBeGreaterThan(l!);
      expect(r2!).toBeLessThan(r!);
    },
  );
});

describe("the hand orientation in robosuite's hand frame", () => {
  it('reads (1, 0, 0, 0) in (x, y, z, w) for the scene identity (fingers down)', () => {
    expect([...toLiberoQuat([1, 0, 0, 0])]).toEqual([1, 0, 0, 0]);
  });

  test.prop([unitQuat])('is q_scene ⊗ Rx(180°): same x axis, y and z axes reversed, still a unit quaternion', (q) => {
    const [x, y, z, w] = toLiberoQuat(q);
    expect(Math.hypot(x!, y!, z!, w!)).toBeCloseTo(1, 12);
    const scene = matrixWxyz(...q);
    const libero = matrixWxyz(w!, x!, y!, z!);
    for (let row = 0; row < 3; row++) {
      expect(libero[row]![0]).toBeCloseTo(scene[row]![0]!, 12);
      expect(libero[row]![1]).toBeCloseTo(-scene[row]![1]!, 12);
      expect(libero[row]![2]).toBeCloseTo(-scene[row]![2]!, 12);
    }
  });
});
