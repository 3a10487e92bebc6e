import type { RgbImage } from '@rsd/libero-bridge';
import { drawText, GLYPH_ADVANCE, GLYPH_HEIGHT, wrapText } from './bitmap-font.ts';
import { rgb332Index, rgb332Palette, writeGif, type GifFrame } from './gif-writer.ts';

/** What the overlay shows besides the step number. */
export interface RolloutLabel {
  readonly task: string;
  readonly mode: string;
  readonly outcome: 'SUCCESS' | 'FAILURE' | 'ERROR';
}

const OUTCOME_RGB = { SUCCESS: [80, 255, 80], FAILURE: [255, 90, 90], ERROR: [255, 200, 0] } as const;

/**
 * Encodes an episode's agent-view frames as an animated GIF: each frame upscaled (nearest) to at
 * least 256 px wide, the task wrapped in a band on top, the step, mode and outcome in a band
 * below. Every `stride`-th frame is kept (and the last one), played at 20 Hz / stride.
 */
export function encodeRolloutGif(
  frames: readonly { readonly frame: RgbImage; readonly step: number }[],
  label: RolloutLabel,
  options: { readonly stride?: number; readonly controlHz?: number } = {},
): Uint8Array {
  if (frames.length === 0) throw new RangeError('frames must not be empty');
  const stride = options.stride ?? 2;
  const hz = options.controlHz ?? 20;
  const first = frames[0]!.frame;
  const scale = Math.max(1, Math.ceil(256 / first.width));
  const width = first.width * scale;
  const maxChars = Math.floor((width - 4) / GLYPH_ADVANCE);
  const taskLines = wrapText(label.task, maxChars);
  const line = GLYPH_HEIGHT + 3;
  const top = taskLines.length * line + 4;
  const bottom = line + 4;
  const height = first.height * scale + top + bottom;
  const kept = frames.filter((_, i) => i % stride === 0 || i === frames.length - 1);
  const gifFrames: GifFrame[] = kept.map(({ frame, step }, i) => {
    const canvas = { width, height, data: new Uint8Array(width * height * 3) };
    for (let y = 0; y < frame.height * scale; y++) {
      const sy = Math.floor(y / scale);
      for (let x = 0; x < width; x++) {
        const s = (sy * frame.width + Math.floor(x / scale)) * 3;
        const o = ((y + top) * width + x) * 3;
        canvas.data[o] = frame.data[s]!;
        canvas.data[o + 1] = frame.data[s + 1]!;
        canvas.data[o + 2] = frame.data[s + 2]!;
      }
    }
    taskLines.forEach((t, l) => drawText(canvas, t, 2, 3 + l * line, [255, 255, 255]));
    const by = top + frame.height * scale + 3;
    drawText(canvas, `STEP ${step}  ${label.mode}`, 2, by, [255, 255, 255]);
    const isLast = i === kept.length - 1;
    const outcome = isLast ? label.outcome : 'RUNNING';
    const colour = isLast ? OUTCOME_RGB[label.outcome] : ([200, 200, 200] as const);
    drawText(canvas, outcome, width - 2 - outcome.length * GLYPH_ADVANCE, by, colour);
    const indices = new Uint8Array(width * height);
    for (let p = 0; p < indices.length; p++) indices[p] = rgb332Index(canvas.data[p * 3]!, canvas.data[p * 3 + 1]!, canvas.data[p * 3 + 2]!);
    return { indices, delayCs: isLast ? 150 : Math.round((100 * stride) / hz) };
  });
  return writeGif(width, height, rgb332Palette(), gifFrames);
}
