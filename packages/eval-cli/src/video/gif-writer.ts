import { lzwEncode } from './lzw-encode.ts';

/** One GIF frame: palette indices uint8 [height, width] and its delay in 1/100 s. */
export interface GifFrame {
  readonly indices: Uint8Array;
  readonly delayCs: number;
}

/**
 * Writes an animated GIF89a (looping) with one global 256-colour palette.
 * palette: uint8 [256, 3]; every frame: uint8 [height, width] indices.
 */
export function writeGif(width: number, height: number, palette: Uint8Array, frames: readonly GifFrame[]): Uint8Array {
  if (!(Number.isInteger(width) && width > 0 && width < 65536)) throw new RangeError(`width must be in [1, 65535], got ${width}`);
  if (!(Number.isInteger(height) && height > 0 && height < 65536)) throw new RangeError(`height must be in [1, 65535], got ${height}`);
  if (palette.length !== 768) throw new RangeError(`palette must hold 256 RGB entries (768 bytes), got ${palette.length}`);
  if (frames.length === 0) throw new RangeError('frames must not be empty');
  const parts: Uint8Array[] = [];
  const u16 = (v: number) => [v & 0xff, (v >> 8) & 0xff];
  parts.push(new TextEncoder().encode('GIF89a'));
  parts.push(Uint8Array.from([...u16(width), ...u16(height), 0xf7, 0, 0]));
  parts.push(palette);
  parts.push(Uint8Array.from([0x21, 0xff, 0x0b, ...new TextEncoder().encode('NETSCAPE2.0'), 0x03, 0x01, 0, 0, 0]));
  frames.forEach((f, i) => {
    if (f.indices.length !== width * height) throw new RangeError(`frames[${i}] has ${f.indices.length} pixels, expected ${width * height}`);
    parts.push(Uint8Array.from([0x21, 0xf9, 0x04, 0x00, ...u16(Math.max(0, Math.round(f.delayCs))), 0, 0]));
    parts.push(Uint8Array.from([0x2c, 0, 0, 0, 0, ...u16(width), ...u16(height), 0, 8]));
    const data = lzwEncode(f.indices, 8);
    for (let o = 0; o < data.length; o += 255) {
      const block = data.subarray(o, Math.min(o + 255, data.length));
      parts.push(Uint8Array.from([block.length]));
      parts.push(block);
    }
    parts.push(Uint8Array.from([0]));
  });
  parts.push(Uint8Array.from([0x3b]));
  const total = parts.reduce((s, p) => s + p.length, 0);
  const out = new Uint8Array(total);
  let o = 0;
  for (const p of parts) {
    out.set(p, o);
    o += p.length;
  }
  return out;
}

/** The 3-3-2 palette: index = r[7:5] g[7:5] b[7:6]. uint8 [256, 3]. */
export function rgb332Palette(): Uint8Array {
  const p = new Uint8Array(768);
  for (let i = 0; i < 256; i++) {
    p[i * 3] = Math.round((((i >> 5) & 7) * 255) / 7);
    p[i * 3 + 1] = Math.round((((i >> 2) & 7) * 255) / 7);
    p[i * 3 + 2] = Math.round(((i & 3) * 255) / 3);
  }
  return p;
}

/** Nearest 3-3-2 palette index of an RGB colour. */
export function rgb332Index(r: number, g: number, b: number): number {
  return (Math.round((r * 7) / 255) << 5) | (Math.round((g * 7) / 255) << 2) | Math.round((b * 3) / 255);
}
