import { onnxBackboneOf, type BundleManifest } from '@rsd/heads';
import { CounterRandom } from '../decode/counter-random.ts';
import type { Observations, RgbImage } from '../engine/rsd-engine.ts';

/** The ten LIBERO-Spatial instructions (SPEC §1.4). */
export const SPATIAL_INSTRUCTIONS = [
  'pick up the black bowl between the plate and the ramekin and place it on the plate',
  'pick up the black bowl next to the ramekin and place it on the plate',
  'pick up the black bowl from table center and place it on the plate',
  'pick up the black bowl on the cookie box and place it on the plate',
  'pick up the black bowl in the top drawer of the wooden cabinet and place it on the plate',
  'pick up the black bowl on the ramekin and place it on the plate',
  'pick up the black bowl next to the cookie box and place it on the plate',
  'pick up the black bowl on the stove and place it on the plate',
  'pick up the black bowl next to the plate and place it on the plate',
  'pick up the black bowl on the wooden cabinet and place it on the plate',
] as const;

/**
 * Synthetic observations for benchmarks and test bundles (NOT camera images): `scenes` fixed
 * smooth random images (seeded by `sceneSeed`), each observation one scene plus per-pixel noise
 * of ±`noise` levels, one of the ten spatial instructions, and proprio (if the bundle has it)
 * uniform in [-0.5, 0.5]. Observation i uses scene i mod scenes and instruction
 * floor(i / scenes) mod 10; noise is drawn from `seed`, so different seeds give different
 * observations of the same scenes.
 */
export function syntheticObservations(
  manifest: BundleManifest,
  n: number,
  options: { seed: number; sceneSeed?: number; scenes?: number; noise?: number },
): Observations {
  if (!Number.isInteger(n) || n < 1) throw new RangeError(`n must be a positive integer, got ${n}`);
  const backbone = onnxBackboneOf(manifest, 'syntheticObservations');
  const { height: h, width: w } = backbone.image;
  const sceneCount = options.scenes ?? 8;
  const noise = options.noise ?? 6;
  const sceneRng = new CounterRandom(options.sceneSeed ?? 1);
  const scenes = Array.from({ length: sceneCount }, () => {
    // a few colour blobs on a background: smooth, so pooling backbones see distinct scenes
    const img = new Float32Array(h * w * 3);
    const bg = [0, 1, 2].map(() => 60 + 120 * sceneRng.next());
    for (let i = 0; i < h * w; i++) for (let c = 0; c < 3; c++) img[i * 3 + c] = bg[c]!;
    for (let blob = 0; blob < 3; blob++) {
      const cy = sceneRng.next() * h;
      const cx = sceneRng.next() * w;
      const r = (0.15 + 0.2 * sceneRng.next()) * Math.max(h, w);
      const colour = [0, 1, 2].map(() => 255 * sceneRng.next());
      for (let y = 0; y < h; y++) {
        for (let x = 0; x < w; x++) {
          if ((y - cy) ** 2 + (x - cx) ** 2 > r * r) continue;
          for (let c = 0; c < 3; c++) img[(y * w + x) * 3 + c] = colour[c]!;
        }
      }
    }
    return img;
  });
  const rng = new CounterRandom(options.seed, 1);
  const images: RgbImage[] = [];
  const instructions: string[] = [];
  const proprio: Float32Array[] = [];
  for (let i = 0; i < n; i++) {
    const scene = scenes[i % sceneCount]!;
    const data = new Uint8Array(h * w * 3);
    for (let j = 0; j < data.length; j++) data[j] = Math.max(0, Math.min(255, Math.round(scene[j]! + (2 * rng.next() - 1) * noise)));
    images.push({ width: w, height: h, data });
    instructions.push(SPATIAL_INSTRUCTIONS[Math.floor(i / sceneCount) % SPATIAL_INSTRUCTIONS.length]!);
    if (backbone.proprio) proprio.push(Float32Array.from({ length: backbone.proprio.size }, () => rng.next() - 0.5));
  }
  return backbone.proprio ? { images, instructions, proprio } : { images, instructions };
}
