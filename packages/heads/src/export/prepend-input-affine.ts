import onnxProto from 'onnx-proto';
import { HeadsError } from '../errors/heads-error.ts';

const { onnx } = onnxProto;

/**
 * Rewrites a serialized ONNX model so that its float input `input` (float32 [B, N]) is first
 * mapped `x' = x · scale + bias` (per column, two nodes Mul and Add with the constants as
 * initializers) and every original consumer reads `x'`. The input keeps its name, dtype and
 * shape; nothing else changes. Used to re-express a trained model in another frame of its
 * inputs, exactly up to float32 rounding (e.g. `old = new − offset`, a sign flip).
 * scale, bias: float [N].
 */
export function prependInputAffine(model: Uint8Array, input: string, scale: readonly number[], bias: readonly number[]): Uint8Array {
  if (scale.length !== bias.length || scale.length === 0) {
    throw new RangeError(`scale and bias must have the same, non-zero length (got ${scale.length} and ${bias.length})`);
  }
  const m = onnx.ModelProto.decode(model);
  const g = m.graph;
  if (g === null || g === undefined) throw new HeadsError('INVALID_CONFIG', 'the model has no graph', { subject: 'graph' });
  const declared = (g.input ?? []).find((v) => v.name === input);
  if (declared === undefined) throw new HeadsError('INVALID_CONFIG', `the model has no input "${input}"`, { subject: input });
  const dims = declared.type?.tensorType?.shape?.dim ?? [];
  const last = dims[dims.length - 1];
  if (last?.dimValue !== undefined && last.dimValue !== null && Number(last.dimValue) !== scale.length) {
    throw new RangeError(`input "${input}" has ${String(last.dimValue)} columns, scale has ${scale.length}`);
  }
  // value, initializer and node names: a second rebase of the same model must not reuse any of them
  const taken = new Set<string>([...(g.node ?? []).flatMap((n) => [...(n.input ?? []), ...(n.output ?? []), n.name ?? '']), ...(g.initializer ?? []).map((t) => t.name ?? '')]);
  const name = (base: string) => {
    let n = base;
    for (let i = 1; taken.has(n); i++) n = `${base}_${i}`;
    taken.add(n);
    return n;
  };
  const scaleName = name(`${input}_rebase_scale`);
  const biasName = name(`${input}_rebase_bias`);
  const scaled = name(`${input}_rebase_scaled`);
  const rebased = name(`${input}_rebased`);
  let consumers = 0;
  for (const node of g.node ?? []) {
    node.input = (node.input ?? []).map((x) => {
      if (x !== input) return x;
      consumers++;
      return rebased;
    });
  }
  if (consumers === 0) throw new HeadsError('INVALID_CONFIG', `no node reads the input "${input}"`, { subject: input });
  const tensor = (tensorName: string, values: readonly number[]) =>
    onnx.TensorProto.create({ name: tensorName, dataType: onnx.TensorProto.DataType.FLOAT, dims: [values.length], floatData: Array.from(Float32Array.from(values)) });
  g.initializer = [...(g.initializer ?? []), tensor(scaleName, scale), tensor(biasName, bias)];
  const mul = onnx.NodeProto.create({ name: name(`${input}_rebase_mul`), opType: 'Mul', input: [input, scaleName], output: [scaled] });
  const add = onnx.NodeProto.create({ name: name(`${input}_rebase_add`), opType: 'Add', input: [scaled, biasName], output: [rebased] });
  g.node = [mul, add, ...(g.node ?? [])];
  return onnx.ModelProto.encode(m).finish();
}
