import { SeededRandom } from '../testing/seeded-random.ts';
import { flatWidth, type BackboneConfig } from './backbone-config.ts';

/**
 * Backbone parameters in TensorFlow layouts (the backbone is trained in TF.js; the ONNX export
 * transposes): `conv.{i}.kernel` float32 [k, k, Cin, Cout] (HWIO), `conv.{i}.bias` [Cout],
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
    cin = c.filters;
  });
  shapes.push(
    ['words.embedding', [cfg.vocabSize, cfg.wordDim]],
    ['fuse.kernel', [flatWidth(cfg) + cfg.wordDim + cfg.proprioSize, cfg.hidden]],
    ['fuse.bias', [cfg.hidden]],
    ['out.kernel', [cfg.hidden, cfg.F]],
    ['out.bias', [cfg.F]],
  );
  return shapes;
}

/** He-uniform initial weights (biases zero), reproducible from `seed`. */
export function initBackboneWeights(cfg: BackboneConfig, seed: number): BackboneWeights {
  const rng = new SeededRandom(seed);
  const weights: BackboneWeights = {};
  for (const [name, shape] of backboneParameterShapes(cfg)) {
    const n = shape.reduce((a, b) => a * b, 1);
    if (name.endsWith('.bias')) {
      weights[name] = new Float32Array(n);
      continue;
    }
    const fanIn = name === 'words.embedding' ? 1 : shape.slice(0, -1).reduce((a, b) => a * b, 1);
    const limit = name === 'words.embedding' ? 0.1 : Math.sqrt(6 / fanIn);
    weights[name] = rng.floats(n, -limit, limit);
  }
  return weights;
}
