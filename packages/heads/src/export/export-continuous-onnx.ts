import { OnnxGraphBuilder, attrFloat } from '@rsd/rfsq';
import { HeadsError } from '../errors/heads-error.ts';

/** The teacher's continuous head: a linear map from the backbone's features to the z-scored chunk, and that z-score's statistics. */
export interface ContinuousHeadWeights {
  /** float32 [F, C·A] (TF layout: features × outputs). */
  readonly kernel: Float32Array;
  /** float32 [C·A]. */
  readonly bias: Float32Array;
  /** float [A]: the chunk is `z · actionStd + actionMean` in the environment's units. */
  readonly actionMean: readonly number[];
  readonly actionStd: readonly number[];
}

/**
 * `continuous.onnx` (opset 17, dynamic batch): `features` float32 [B, F] → `actions` float32
 * [B, C, A] in the environment's units (the z-score undone inside the graph). With the bundle's
 * `backbone.onnx` it is the teacher policy the RSD heads were distilled from.
 */
export function exportContinuousHeadOnnx(dims: { F: number; C: number; A: number }, w: ContinuousHeadWeights): Uint8Array {
  const { F, C, A } = dims;
  const check = (name: string, got: number, want: number) => {
    if (got !== want) throw new HeadsError('CHECKPOINT_MISMATCH', `continuous head: ${name} must have ${want} values, got ${got}`, { subject: name });
  };
  check('kernel', w.kernel.length, F * C * A);
  check('bias', w.bias.length, C * A);
  check('actionMean', w.actionMean.length, A);
  check('actionStd', w.actionStd.length, A);
  // fold the de-normalisation into the affine map: y = (x·K + b)·s + m = x·(K·s) + (b·s + m)
  const kernel = new Float32Array(F * C * A);
  const bias = new Float32Array(C * A);
  for (let j = 0; j < C * A; j++) {
    const s = w.actionStd[j % A]!;
    bias[j] = w.bias[j]! * s + w.actionMean[j % A]!;
    for (let i = 0; i < F; i++) kernel[i * C * A + j] = w.kernel[i * C * A + j]! * s;
  }
  const g = new OnnxGraphBuilder('rsd_continuous_head', 17);
  const x = g.input('features', 'float32', ['B', F]);
  const y = g.op('Gemm', [x, g.initializer('head.kernel', 'float32', [F, C * A], kernel), g.initializer('head.bias', 'float32', [C * A], bias)], {
    alpha: attrFloat(1),
    beta: attrFloat(1),
  });
  g.op('Reshape', [y, g.constInt64([-1, C, A])], {}, 'actions');
  g.output('actions', 'float32', ['B', C, A]);
  return g.build({
    producer: '@rsd/heads export-continuous-onnx',
    docString: 'RSD continuous head (the teacher policy): features [B,F] -> actions [B,C,A] in environment units',
    metadata: { 'rsd.model': 'continuous', 'rsd.dims': JSON.stringify(dims) },
  });
}
