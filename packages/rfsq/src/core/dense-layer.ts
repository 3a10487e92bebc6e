/** One fully connected layer: `y = x · weight + bias`. */
export interface DenseLayer {
  /** float32 [inDim, outDim], row-major. */
  readonly weight: Float32Array;
  /** float32 [outDim]. */
  readonly bias: Float32Array;
  readonly inDim: number;
  readonly outDim: number;
}

/** Activation after a layer. */
export type Activation = 'relu' | 'tanh' | 'linear';

/**
 * Runs an MLP: ReLU after every layer but the last, `last` after the last.
 * x: float32 [N, layers[0].inDim] → float32 [N, layers.at(-1).outDim].
 */
export function mlpForward(x: Float32Array, layers: readonly DenseLayer[], last: Activation): Float32Array {
  let h = x;
  layers.forEach((layer, i) => {
    h = denseForward(h, layer, i === layers.length - 1 ? last : 'relu');
  });
  return h;
}

/** x: float32 [N, inDim] → float32 [N, outDim]. Accumulates in float64, stores float32. */
export function denseForward(x: Float32Array, layer: DenseLayer, activation: Activation): Float32Array {
  const { inDim, outDim, weight, bias } = layer;
  if (x.length % inDim !== 0) throw new RangeError(`x has ${x.length} values, not a multiple of inDim ${inDim}`);
  const N = x.length / inDim;
  const out = new Float32Array(N * outDim);
  const acc = new Float64Array(outDim);
  for (let n = 0; n < N; n++) {
    acc.set(bias);
    for (let i = 0; i < inDim; i++) {
      const xi = x[n * inDim + i]!;
      if (xi === 0) continue;
      const row = i * outDim;
      for (let o = 0; o < outDim; o++) acc[o]! += xi * weight[row + o]!;
    }
    for (let o = 0; o < outDim; o++) {
      const v = acc[o]!;
      out[n * outDim + o] = activation === 'relu' ? (v > 0 ? v : 0) : activation === 'tanh' ? Math.tanh(v) : v;
    }
  }
  return out;
}

/** Throws a RangeError naming the layer when sizes do not chain from `inDim` to `outDim`. */
export function validateMlp(layers: readonly DenseLayer[], inDim: number, outDim: number, name: string): void {
  if (layers.length === 0) throw new RangeError(`${name} must have at least one layer`);
  let prev = inDim;
  layers.forEach((layer, i) => {
    if (layer.inDim !== prev) throw new RangeError(`${name}[${i}].inDim is ${layer.inDim}, expected ${prev}`);
    if (!(layer.weight instanceof Float32Array) || layer.weight.length !== layer.inDim * layer.outDim) {
      throw new RangeError(`${name}[${i}].weight must be a Float32Array [${layer.inDim}, ${layer.outDim}]`);
    }
    if (!(layer.bias instanceof Float32Array) || layer.bias.length !== layer.outDim) {
      throw new RangeError(`${name}[${i}].bias must be a Float32Array [${layer.outDim}]`);
    }
    prev = layer.outDim;
  });
  if (prev !== outDim) throw new RangeError(`${name} ends with width ${prev}, expected ${outDim}`);
}
