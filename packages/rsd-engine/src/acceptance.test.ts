import { describe, expect, it } from 'vitest';
import { parseAcceptance } from './acceptance.ts';

describe('parseAcceptance', () => {
  it.each([
    ['exact', { kind: 'exact' }],
    ['relaxed:1', { kind: 'relaxed', tolerance: 1 }],
    ['relaxed:2,1,0', { kind: 'relaxed', tolerance: [2, 1, 0] }],
    ['sample:0.7:42', { kind: 'sample', temperature: 0.7, seed: 42 }],
  ])('%s', (text, expected) => {
    expect(parseAcceptance(text)).toEqual(expected);
  });

  it.each(['greedy', 'exact:1', 'relaxed', 'relaxed:-1', 'relaxed:0.5', 'sample:0:1', 'sample:1', 'sample:1:x'])(
    'rejects %s naming the flag',
    (text) => {
      expect(() => parseAcceptance(text)).toThrowError(/--acceptance/);
    },
  );
});
