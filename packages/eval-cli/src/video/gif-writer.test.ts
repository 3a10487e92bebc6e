import { describe, expect, it } from 'vitest';
import { rgb332Index, rgb332Palette, writeGif } from './gif-writer.ts';

describe('writeGif', () => {
  it('writes a GIF89a with global palette, loop extension, one image per frame and the trailer', () => {
    const frames = [0, 1, 2].map((v) => ({ indices: new Uint8Array(6).fill(v), delayCs: 5 }));
    const gif = writeGif(3, 2, rgb332Palette(), frames);
    expect(new TextDecoder().decode(gif.subarray(0, 6))).toBe('GIF89a');
    expect(gif[6]! | (gif[7]! << 8)).toBe(3);
    expect(gif[8]! | (gif[9]! << 8)).toBe(2);
    expect(gif[10]).toBe(0xf7);
    expect(new TextDecoder().decode(gif.subarray(13 + 768 + 3, 13 + 768 + 14))).toBe('NETSCAPE2.0');
    expect(gif[gif.length - 1]).toBe(0x3b);
    let descriptors = 0;
    for (let i = 0; i + 1 < gif.length; i++) if (gif[i] === 0x21 && gif[i + 1] === 0xf9 && gif[i + 2] === 4) descriptors++;
    expect(descriptors).toBe(3);
  });

  it('refuses frames of the wrong size and a short palette', () => {
    expect(() => writeGif(2, 2, rgb332Palette(), [{ indices: new Uint8Array(3), delayCs: 1 }])).toThrow(RangeError);
    expect(() => writeGif(2, 2, new Uint8Array(10), [{ indices: new Uint8Array(4), delayCs: 1 }])).toThrow(RangeError);
  });
});

describe('rgb332 palette', () => {
  it('maps black, white and pure colours to their palette entries', () => {
    const p = rgb332Palette();
    for (const rgb of [
      [0, 0, 0],
      [255, 255, 255],
      [255, 0, 0],
      [0, 255, 0],
      [0, 0, 255],
    ] as const) {
      const i = rgb332Index(rgb[0], rgb[1], rgb[2]);
      expect([p[i * 3], p[i * 3 + 1], p[i * 3 + 2]]).toEqual([...rgb]);
    }
  });
});
