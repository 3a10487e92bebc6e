import type { RgbImage } from '../engine/rsd-engine.ts';

/** How an image is brought to the bundle's input size. */
export type ResizeMethod = 'none' | 'area-average' | 'bilinear';

/** The method `resizeRgb` uses from (width, height) to (toWidth, toHeight). */
export function resizeMethodFor(width: number, height: number, toWidth: number, toHeight: number): ResizeMethod {
  if (width === toWidth && height === toHeight) return 'none';
  return width >= toWidth && height >= toHeight ? 'area-average' : 'bilinear';
}

/**
 * Resizes an upright RGB image (uint8 [H, W, 3]) to uint8 [toHeight, toWidth, 3]. Shrinking
 * is an area average (each output pixel = the mean of the source area it covers, partial pixels
 * weighted by their covered fraction, as OpenCV's INTER_AREA; a whole-number factor such as
 * 256 → 64 is a plain 4×4 box mean); enlarging is bilinear with half-pixel centres (OpenCV's
 * INTER_LINEAR). Values are rounded to the nearest integer.
 */
export function resizeRgb(image: RgbImage, toWidth: number, toHeight: number): RgbImage {
  const { width: w, height: h, data } = image;
  if (!Number.isInteger(toWidth) || !Number.isInteger(toHeight) || toWidth < 1 || toHeight < 1) {
    throw new RangeError(`toWidth and toHeight must be positive integers, got ${toWidth}x${toHeight}`);
  }
  const method = resizeMethodFor(w, h, toWidth, toHeight);
  if (method === 'none') return image;
  const out = new Uint8Array(toWidth * toHeight * 3);
  if (method === 'area-average') {
    const sx = w / toWidth;
    const sy = h / toHeight;
    for (let oy = 0; oy < toHeight; oy++) {
      const y0 = oy * sy;
      const y1 = y0 + sy;
      for (let ox = 0; ox < toWidth; ox++) {
        const x0 = ox * sx;
        const x1 = x0 + sx;
        let r = 0;
        let g = 0;
        let b = 0;
        for (let y = Math.floor(y0); y < Math.min(h, Math.ceil(y1)); y++) {
          const wy = Math.min(y + 1, y1) - Math.max(y, y0);
          for (let x = Math.floor(x0); x < Math.min(w, Math.ceil(x1)); x++) {
            const wt = wy * (Math.min(x + 1, x1) - Math.max(x, x0));
            const i = (y * w + x) * 3;
            r += wt * data[i]!;
            g += wt * data[i + 1]!;
            b += wt * data[i + 2]!;
          }
        }
        const area = sx * sy;
        const o = (oy * toWidth + ox) * 3;
        out[o] = Math.round(r / area);
        out[o + 1] = Math.round(g / area);
        out[o + 2] = Math.round(b / area);
      }
    }
  } else {
    const clamp = (v: number, n: number) => Math.min(n - 1, Math.max(0, v));
    for (let oy = 0; oy < toHeight; oy++) {
      const fy = Math.max(0, (oy + 0.5) * (h / toHeight) - 0.5);
      const y0 = clamp(Math.floor(fy), h);
      const y1 = clamp(y0 + 1, h);
      const ty = fy - Math.floor(fy);
      for (let ox = 0; ox < toWidth; ox++) {
        const fx = Math.max(0, (ox + 0.5) * (w / toWidth) - 0.5);
        const x0 = clamp(Math.floor(fx), w);
        const x1 = clamp(x0 + 1, w);
        const tx = fx - Math.floor(fx);
        for (let c = 0; c < 3; c++) {
          const p = (y: number, x: number) => data[(y * w + x) * 3 + c]!;
          const top = p(y0, x0) * (1 - tx) + p(y0, x1) * tx;
          const bottom = p(y1, x0) * (1 - tx) + p(y1, x1) * tx;
          out[(oy * toWidth + ox) * 3 + c] = Math.round(top * (1 - ty) + bottom * ty);
        }
      }
    }
  }
  return { width: toWidth, height: toHeight, data: out };
}
