import { describe, expect, it } from 'vitest';
import { acceptanceReport } from './acceptance-report.ts';
import { argmaxAt, draftArgmax, greedyDecode } from './greedy-decode.ts';

describe('acceptanceReport', () => {
  it('counts leading fully-agreeing layers and the main passes exact RSD needs', () => {
    // N = 2 samples, P = 2 positions, k = 2, L = 3
    const greedy = Int32Array.of(/* n0 p0 */ 1, 2, 3, /* n0 p1 */ 4, 5, 6, /* n1 p0 */ 0, 0, 0, /* n1 p1 */ 1, 1, 1);
    const draft = Int32Array.of(/* n0 */ 1, 2, 4, 5, /* n1: p0 layer 0 wrong */ 9, 0, 1, 1);
    const r = acceptanceReport(draft, greedy, 2, 2, 2, 3);
    expect(r.positionAgreement).toEqual([3 / 4, 4 / 4]);
    expect(r.layerAgreement).toEqual([1 / 2, 2 / 2]);
    expect(r.conditionalAcceptance).toEqual([1 / 2, 1]);
    expect(r.expectedAcceptedLayers).toBe(1); // n0 accepts 2, n1 accepts 0
    expect(r.expectedMainPasses).toBe((1 + 3) / 2); // max(1, 3 - 2) and 3 - 0
    expect(r.mainPassSpeedup).toBe(3 / 2);
  });

  it('needs one verification pass even when k = L and everything is accepted', () => {
    const t = Int32Array.of(1, 2);
    expect(acceptanceReport(t, t, 1, 1, 2, 2).expectedMainPasses).toBe(1);
  });
});

describe('greedy decoding', () => {
  it('argmax takes the first maximum', () => {
    expect(argmaxAt(Float32Array.of(9, 1, 3, 3, 0), 1, 4)).toBe(1);
    expect(Array.from(draftArgmax({ K: 2 } as never, Float32Array.of(0, 1, 2, 1)))).toEqual([1, 0]);
  });

  it('fixes layer l from the logits of pass l, given layers < l', async () => {
    const cfg = { C: 1, H: 1, L: 3, K: 3 } as never;
    const seen: number[][] = [];
    // logits of layer l favour code (sum of tokens < l + 1) mod 3
    const tokens = await greedyDecode(cfg, 1, (t) => {
      seen.push(Array.from(t));
      const out = new Float32Array(9);
      for (let l = 0; l < 3; l++) {
        let s = 0;
        for (let j = 0; j < l; j++) s += t[j]!;
        out[l * 3 + ((s + 1) % 3)] = 1;
      }
      return out;
    });
    expect(Array.from(tokens)).toEqual([1, 2, 1]); // 1, (1+1)=2, (1+2+1)%3=1
    expect(seen).toEqual([
      [0, 0, 0],
      [1, 0, 0],
      [1, 2, 0],
    ]);
  });
});
