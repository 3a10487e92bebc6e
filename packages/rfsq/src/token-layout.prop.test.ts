import { fc, test } from '@fast-check/vitest';
import { describe, expect } from 'vitest';
import { arbTokens } from './testing/arbitraries.ts';
import { fromResidualMajor, toResidualMajor } from './token-layout.ts';

describe('token layout [B,C,H,L] <-> [B,L,C,H]', () => {
  test.prop([arbTokens()])('from(to(x)) == x', ({ shape, tokens }) => {
    expect(fromResidualMajor(toResidualMajor(tokens, shape), shape)).toEqual(tokens);
  });

  test.prop([arbTokens()])('to(from(x)) == x', ({ shape, tokens }) => {
    expect(toResidualMajor(fromResidualMajor(tokens, shape), shape)).toEqual(tokens);
  });

  test.prop([arbTokens(), fc.nat(), fc.nat(), fc.nat(), fc.nat()])(
    'element [b,c,h,l] lands at [b,l,c,h]',
    ({ shape, tokens }, rb, rc, rh, rl) => {
      const { C, H, L } = shape;
      const [b, c, h, l] = [rb % shape.B, rc % C, rh % H, rl % L];
      const out = toResidualMajor(tokens, shape);
      expect(out[((b * L + l) * C + c) * H + h]).toBe(tokens[((b * C + c) * H + h) * L + l]);
    },
  );
});
