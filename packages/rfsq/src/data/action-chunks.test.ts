import { describe, expect, it } from 'vitest';
import { cutActionChunks } from './action-chunks.ts';

describe('cutActionChunks', () => {
  it('starts a chunk every stride steps and pads the tail by repeating the last action', () => {
    // T = 5, A = 1: actions 0..4; C = 3, stride 2 → starts 0, 2, 4
    const chunks = cutActionChunks(Float64Array.from([0, 1, 2, 3, 4]), 5, 1, 3, 2);
    expect(Array.from(chunks)).toEqual([0, 1, 2, 2, 3, 4, 4, 4, 4]);
  });

  it('keeps the action dims together', () => {
    const chunks = cutActionChunks(Float64Array.from([1, 10, 2, 20]), 2, 2, 3, 1);
    expect(Array.from(chunks)).toEqual([1, 10, 2, 20, 2, 20, 2, 20, 2, 20, 2, 20]);
  });

  it('refuses a bad stride or a shape that does not match', () => {
    expect(() => cutActionChunks(new Float64Array(4), 2, 2, 3, 0)).toThrowError(/stride/);
    expect(() => cutActionChunks(new Float64Array(5), 2, 2, 3, 1)).toThrowError(/\[T=2, A=2\] needs 4/);
  });
});
