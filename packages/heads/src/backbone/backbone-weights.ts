import { SeededRandom } from '../testing/seeded-random.ts';
import { flatWidth, usesKeypoints, type BackboneConfig } from './backbone-config.ts';

/**
 * Backbone parameters in TensorFlow layouts (the backbone is trained in TF.js; the ONNX export
 * transposes): `conv.{i}.kernel` float32 [k, k, Cin, Cout] (HWIO), `conv.{i}.bias` [Cout],
 * with GroupNorm `norm.{i}.gamma`/`norm.{i}.beta` [Cout] (every conv but the last), with
 * spatial-softmax pooling `keypoints.kernel` [2 · Cout_last, keypointWidth], `keypoints.bias`,
 * `words.embedding` [vocabSize, wordDim] (row 0, padding, is ignored), `fuse.kernel`
 * [flat + wordDim + proprioSize, hidden], `fuse.bias` [hidden], `out.kernel` [hidden, F],
 * `out.bias` [F].
 */
export type BackboneWeights = Record<string, Float32Array>;

/** Every parameter name with its shape, in a fixed order. */
export function backboneParameterShapes(cfg: BackboneConfig): [string, number[]][] {
  const shapes: [string, number[]][] = [];
  let cin = 3;
  cfg.convs.forEach((c, i) => {
    shapes.push([`conv.${i}.kernel`, [c.kernel, c.kernel, cin, c.filters]], [`conv.${i}.bias`, [c.filters]]);
    if (cfg.norm !== undefined && i < cfg.convs.length - 1) shapes.push([`norm.${i}.gamma`, [c.filters]], [`norm.${i}.beta`, [c.filters]]);
    cin = c.filters;
  });
  if (usesKeypoints(cfg)) shapes.push(['keypoints.kernel', [2 * cin, cfg.keypointWidth!]], ['keypoints.bias', [cfg.keypointWidth!]]);
  shapes.push(
    ['words.embedding', [cfg.vocabSize, cfg.wordDim]],
    ['fuse.kernel', [flatWidth(cfg) + cfg.wordDim + cfg.proprioSize, cfg.hidden]],
    ['fuse.bias', [cfg.hidden]],
    ['out.kernel', [cfg.hidden, cfg.F]],
    ['out.bias', [cfg.F]],
  );
  return shapes;
}

/** He-uniform initial weights (biases and norm shifts zero, norm scales one), reproducible from `seed`. */
export function initBackboneWeights(cfg: BackboneConfig, seed: number): BackboneWeights {
  const rng = new SeededRandom(seed);
  const weights: BackboneWeights = {};
  for (const [name, shape] of backboneParameterShapes(cfg)) {
    const n = shape.reduce((a, b) => a * b, 1);
    if (name.endsWith('.bias') || name.endsWith('.beta')) {
      weights[name] = new Float32Array(n);
      continue;
    }
    if (name.endsWith('.gamma')) {
      weights[name] = new Float32Array(n).fill(1);
      continue;
    }
    const fanIn = name === 'words.embedding' ? 1 : shape.slice(0, -1).reduce((a, b) => a * b, 1);
    const limit = name === 'words.embedding' ? 0.1 : Math.sqrt(6 / fanIn);
    weights[name] = rng.floats(n, -limit, limit);
  }
  return weights;
}
