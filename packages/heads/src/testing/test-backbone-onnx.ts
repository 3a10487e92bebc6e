import { OnnxGraphBuilder, attrFloat } from '@rsd/rfsq';
import type { BackboneInfo } from '../bundle/bundle-manifest.ts';
import { HEADS_ONNX_OPSET } from '../export/onnx-opset.ts';
import { SeededRandom } from './seeded-random.ts';

/** Side of the pooled image grid the test backbone looks at (at most this many cells per side). */
const GRID = 4;

/** Pool kernel (= stride) and output size along one image side. */
function pooling(size: number): { kernel: number; out: number } {
  const kernel = Math.max(1, Math.floor(size / Math.min(GRID, size)));
  return { kernel, out: Math.floor((size - kernel) / kernel) + 1 };
}

/**
 * The TEST backbone of random bundles: a small random linear model with the bundle's backbone
 * contract, for tests of code that runs bundles (not a model of anything).
 *
 * Inputs: `image` uint8 [B, height, width, 3], `instruction` int64 [B, maxTokens] (hashed word
 * ids, 0 = padding), and `proprio` float32 [B, P] when `info.proprio` is set.
 * Output: `features` float32 [B, F] =
 * tanh(Gemm(flatten(avgpool(image / 255))) + Gemm(Σ_t onehot(instruction_t)) [+ Gemm(proprio)]),
 * where the pool is a ≤ 4×4 grid and the word-embedding column of id 0 is zero (padding adds
 * nothing). Deterministic in `seed`.
 */
export function exportTestBackboneOnnx(info: BackboneInfo, F: number, seed: number): Uint8Array {
  if (!Number.isInteger(F) || F < 1) throw new RangeError(`F must be a positive integer, got ${F}`);
  const rng = new SeededRandom(seed);
  const { height, width } = info.image;
  const { vocabSize, maxTokens } = info.instruction;
  const g = new OnnxGraphBuilder('rsd_test_backbone', HEADS_ONNX_OPSET);
  const image = g.input('image', 'uint8', ['B', height, width, 3]);
  const ph = pooling(height);
  const pw = pooling(width);
  const pixels = g.op('Mul', [g.op('Cast', [image], { to: 1 }), g.constFloat([1 / 255], [])]);
  const nchw = g.op('Transpose', [pixels], { perm: [0, 3, 1, 2] });
  const pooled = g.op('AveragePool', [nchw], { kernel_shape: [ph.kernel, pw.kernel], strides: [ph.kernel, pw.kernel] });
  const imageWidth = 3 * ph.out * pw.out;
  const imageFlat = g.op('Flatten', [pooled], { axis: 1 });
  const gemm = (x: string, name: string, inWidth: number, scale: number, zeroColumn0 = false): string => {
    const w = rng.floats(F * inWidth, -scale, scale);
    if (zeroColumn0) for (let o = 0; o < F; o++) w[o * inWidth] = 0;
    const wName = g.initializer(`${name}.weight`, 'float32', [F, inWidth], w);
    const bName = g.initializer(`${name}.bias`, 'float32', [F], rng.floats(F, -0.1, 0.1));
    return g.op('Gemm', [x, wName, bName], { transB: 1, alpha: attrFloat(1), beta: attrFloat(1) });
  };
  let sum = gemm(imageFlat, 'image_proj', imageWidth, 2 / Math.sqrt(imageWidth));
  const words = g.input('instruction', 'int64', ['B', maxTokens]);
  const oneHot = g.op('OneHot', [words, g.constInt64([vocabSize], []), g.constFloat([0, 1])], { axis: -1 });
  const bag = g.op('ReduceSum', [oneHot, g.constInt64([1])], { keepdims: 0 });
  sum = g.op('Add', [sum, gemm(bag, 'word_proj', vocabSize, 1, true)]);
  if (info.proprio !== undefined) {
    const proprio = g.input('proprio', 'float32', ['B', info.proprio.size]);
    sum = g.op('Add', [sum, gemm(proprio, 'proprio_proj', info.proprio.size, 1 / Math.sqrt(info.proprio.size))]);
  }
  g.op('Tanh', [sum], {}, 'features');
  g.output('features', 'float32', ['B', F]);
  return g.build({
    producer: '@rsd/heads test-backbone-onnx',
    docString: 'RSD TEST backbone (random linear, for tests only): image, instruction[, proprio] -> features [B,F]',
    metadata: { 'rsd.backbone': 'test-random-linear', 'rsd.seed': String(seed) },
  });
}
