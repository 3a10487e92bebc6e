import { fc, test } from '@fast-check/vitest';
import { describe, expect, it } from 'vitest';
import { normalizeAction } from './action.ts';
import { BridgeError } from './errors/bridge-error.ts';

describe('normalizeAction', () => {
  test.prop([fc.array(fc.double({ noNaN: true, noDefaultInfinity: true }), { minLength: 7, maxLength: 7 })])(
    'clips finite actions into [-1, 1] and keeps in-range values',
    (a) => {
      const out = normalizeAction(a);
      a.forEach((v, i) => expect(out[i]).toBe(Math.min(1, Math.max(-1, v))));
    },
  );

  it.each([[[0, 0, 0]], [[0, 0, 0, 0, 0, 0, 0, 0]]])('rejects length %j', (a) => {
    expect(() => normalizeAction(a)).toThrowError(/7 values/);
  });

  it.each([NaN, Infinity, -Infinity])('rejects %s and names the index', (bad) => {
    try {
      normalizeAction([0, 0, bad, 0, 0, 0, 0]);
      expect.unreachable();
    } catch (e) {
      expect(BridgeError.isInstance(e) && e.code === 'INVALID_ACTION' && e.subject === 'action[2]').toBe(true);
    }
  });
});
