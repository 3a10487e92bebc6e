import { BridgeError } from './errors/bridge-error.ts';

/** Width of the action vector: dx dy dz droll dpitch dyaw gripper. */
export const ACTION_DIM = 7;

/**
 * Checks an action and clips it to [-1, 1] as LIBERO's controller does (out-of-range
 * magnitudes are clipped, not rejected). Wrong length, NaN or ±Infinity is an error.
 * action: float [7] → float64 [7] (a copy).
 */
export function normalizeAction(action: ArrayLike<number>): Float64Array {
  if (action === null || typeof action !== 'object' || typeof action.length !== 'number') {
    throw new BridgeError('INVALID_ACTION', 'action must be an array of 7 numbers', { subject: 'action' });
  }
  if (action.length !== ACTION_DIM) {
    throw new BridgeError('INVALID_ACTION', `action must have ${ACTION_DIM} values, got ${action.length}`, {
      subject: 'action',
    });
  }
  const out = new Float64Array(ACTION_DIM);
  for (let i = 0; i < ACTION_DIM; i++) {
    const v = action[i];
    if (typeof v !== 'number' || !Number.isFinite(v)) {
      throw new BridgeError('INVALID_ACTION', `action[${i}] must be a finite number, got ${String(v)}`, {
        subject: `action[${i}]`,
      });
    }
    out[i] = Math.min(1, Math.max(-1, v));
  }
  return out;
}
