import type * as TfModule from '@tensorflow/tfjs';

/** The TensorFlow.js module in use (from `selectTfBackend()`). */
export type Tf = typeof TfModule;

/**
 * PyTorch `[out, in]` weight → TF variable value `[in, out]` (so training runs plain matMuls:
 * `transposeB` is ~10× slower on the wasm backend, PLATFORM.md).
 */
export function transposeRows(w: Float32Array, rows: number, cols: number): Float32Array {
  const out = new Float32Array(w.length);
  for (let r = 0; r < rows; r++) for (let c = 0; c < cols; c++) out[c * rows + r] = w[r * cols + c]!;
  return out;
}

/** A trainable `x·W + b` layer: `kernel` float32 [in, out] (W = PyTorch weightᵀ), `bias` [out]. */
export interface TfLinear {
  readonly name: string;
  readonly kernel: TfModule.Variable;
  readonly bias: TfModule.Variable | undefined;
  readonly inWidth: number;
  readonly outWidth: number;
}

/** Creates the variables of a linear layer from PyTorch-layout weights. */
export function tfLinear(
  tf: Tf,
  name: string,
  weight: Float32Array,
  bias: Float32Array | undefined,
  outWidth: number,
  inWidth: number,
): TfLinear {
  return {
    name,
    kernel: tf.variable(tf.tensor2d(transposeRows(weight, outWidth, inWidth), [inWidth, outWidth])),
    bias: bias === undefined ? undefined : tf.variable(tf.tensor1d(bias)),
    inWidth,
    outWidth,
  };
}

/** `x·(kernel ⊙ mask) + bias`; x float32 [B, in] → float32 [B, out]. `mask` is [in, out]. */
export function applyLinear(
  tf: Tf,
  layer: TfLinear,
  x: TfModule.Tensor2D,
  mask?: TfModule.Tensor2D,
): TfModule.Tensor2D {
  const kernel = mask === undefined ? layer.kernel : tf.mul(layer.kernel, mask);
  const y = tf.matMul(x, kernel as TfModule.Tensor2D) as TfModule.Tensor2D;
  return layer.bias === undefined ? y : (tf.add(y, layer.bias) as TfModule.Tensor2D);
}

/** Reads a layer back in PyTorch layout: weight float32 [out, in] (⊙ mask when given), bias [out]. */
export function readLinear(
  layer: TfLinear,
  maskInOut?: Float32Array,
): { weight: Float32Array; bias: Float32Array | undefined } {
  const k = layer.kernel.dataSync() as Float32Array;
  const masked = maskInOut === undefined ? k : k.map((v, i) => v * maskInOut[i]!);
  return {
    weight: transposeRows(masked, layer.inWidth, layer.outWidth),
    bias: layer.bias === undefined ? undefined : Float32Array.from(layer.bias.dataSync() as Float32Array),
  };
}
