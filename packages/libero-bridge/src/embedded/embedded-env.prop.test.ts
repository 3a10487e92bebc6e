import { fc, test } from '@fast-check/vitest';
import { afterAll, beforeAll, describe, expect } from 'vitest';
import { arbAction } from '../testing/arbitraries.ts';
import { createEmbeddedEnv, type EmbeddedEnv } from './embedded-env.ts';
import { GEOMETRY } from './scene-geometry.ts';
import { FINGER_MAP, LIBERO_FRAME } from './libero-frame.ts';

describe('EmbeddedEnv under arbitrary actions', () => {
  let env: EmbeddedEnv;
  beforeAll(async () => {
    env = await createEmbeddedEnv({ imageSize: 8 });
  });
  afterAll(() => env.close());

  const big = fc.array(fc.double({ min: -50, max: 50, noNaN: true }), { minLength: 7, maxLength: 7 });

  test.prop([fc.integer({ min: 0, max: 9 }), fc.integer({ min: 0, max: 49 }), fc.array(fc.oneof(arbAction(), big), { minLength: 1, maxLength: 12 })], { numRuns: 6 })(
    'stays finite, keeps the hand near its workspace and the fingers in range, with LIBERO\'s signs never flipped',
    async (taskId, initState, actions) => {
      await env.reset({ suite: 'embedded_spatial', taskId, initState, seed: 0 });
      const { min, max } = GEOMETRY.workspace;
      for (const a of actions) {
        const { observation: o, reward } = await env.step(a);
        expect([...o.eePos, ...o.eeQuat, ...o.gripperQpos, reward].every(Number.isFinite)).toBe(true);
        for (let i = 0; i < 3; i++) {
          // observations are in LIBERO's world frame, the workspace in the scene's
          const p = o.eePos[i]! - LIBERO_FRAME.sceneOrigin[i]!;
          expect(p).toBeGreaterThan(min[i]! - 0.05);
          expect(p).toBeLessThan(max[i]! + 0.05);
        }
        o.gripperQpos.forEach((q, f) => {
          const magnitude = q * LIBERO_FRAME.fingerSigns[f]!;
          expect(magnitude).toBeGreaterThanOrEqual(0);
          const slide = (magnitude - FINGER_MAP.offset) / FINGER_MAP.scale;
          expect(slide).toBeGreaterThan(-0.005);
          expect(slide).toBeLessThan(GEOMETRY.hand.fingerOpen + 0.005);
        });
      }
    },
  );
});
