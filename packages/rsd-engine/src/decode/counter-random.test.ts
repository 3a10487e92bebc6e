import { describe, expect, it } from 'vitest';
import { CounterRandom } from './counter-random.ts';

describe('CounterRandom', () => {
  it('is reproducible and differs between seeds and streams', () => {
    const draw = (seed: number, stream: number) => {
      const r = new CounterRandom(seed, stream);
      return Array.from({ length: 8 }, () => r.next());
    };
    expect(draw(1, 0)).toEqual(draw(1, 0));
    expect(draw(1, 0)).not.toEqual(draw(2, 0));
    expect(draw(1, 0)).not.toEqual(draw(1, 1));
  });

  it('is roughly uniform on [0, 1) (chi-square over 16 bins, 32,000 draws)', () => {
    const r = new CounterRandom(42);
    const bins = new Array<number>(16).fill(0);
    const n = 32_000;
    let outside = 0;
    for (let i = 0; i < n; i++) {
      const u = r.next();
      if (!(u >= 0 && u < 1)) outside++;
      else bins[Math.floor(u * 16)]!++;
    }
    expect(outside).toBe(0);
    const stat = bins.reduce((s, c) => s + (c - n / 16) ** 2 / (n / 16), 0);
    expect(stat).toBeLessThan(37.7); // df 15, α = 0.001
  });

  it('rejects a bad seed naming it', () => {
    expect(() => new CounterRandom(-1)).toThrowError(/seed/);
    expect(() => new CounterRandom(1.5)).toThrowError(/seed/);
  });
});
