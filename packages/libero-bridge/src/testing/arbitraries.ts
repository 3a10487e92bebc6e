import fc from 'fast-check';

/** A valid 7-D action in [-1, 1]: [dx, dy, dz, droll, dpitch, dyaw, gripper]. */
export function arbAction(): fc.Arbitrary<number[]> {
  return fc.array(fc.double({ min: -1, max: 1, noNaN: true }), { minLength: 7, maxLength: 7 });
}
