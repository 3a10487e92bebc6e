import { fc, test } from '@fast-check/vitest';
import { describe, expect, it } from 'vitest';
import { drawText, glyphRows, wrapText } from './bitmap-font.ts';

describe('drawText', () => {
  it('draws the glyph of "I" at the given corner and nothing else', () => {
    const img = { width: 10, height: 10, data: new Uint8Array(300) };
    drawText(img, 'I', 2, 1, [255, 0, 0]);
    const on = (x: number, y: number) => img.data[(y * 10 + x) * 3] === 255;
    // "I": top bar of three pixels, a centre column, bottom bar
    expect([1, 2, 3].map((c) => on(2 + c, 1))).toEqual([true, true, true]);
    expect(on(2, 1)).toBe(false);
    expect(on(4, 4)).toBe(true);
    let count = 0;
    for (let p = 0; p < 100; p++) if (img.data[p * 3] === 255) count++;
    expect(count).toBe(glyphRows('I').reduce((s, r) => s + r.toString(2).replace(/0/g, '').length, 0));
  });

  it('draws lower case as upper case and unknown characters as "?"', () => {
    expect(glyphRows('a')).toEqual(glyphRows('A'));
    expect(glyphRows('€')).toEqual(glyphRows('?'));
  });

  it('clips at the image border', () => {
    const img = { width: 4, height: 4, data: new Uint8Array(48) };
    expect(() => drawText(img, 'WWW', -3, -3, [1, 1, 1])).not.toThrow();
  });
});

describe('wrapText', () => {
  test.prop([fc.array(fc.stringMatching(/^[a-z]{1,12}$/), { maxLength: 30 }), fc.integer({ min: 1, max: 40 })])(
    'keeps every line within the limit and every character in order',
    (words, max) => {
      const lines = wrapText(words.join(' '), max);
      for (const l of lines) expect(l.length).toBeLessThanOrEqual(max);
      expect(lines.join('').replace(/ /g, '')).toBe(words.join(''));
    },
  );
});
