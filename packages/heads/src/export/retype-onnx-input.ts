import onnxProto from 'onnx-proto';

const { onnx } = onnxProto;

/**
 * Changes the element type of one graph input of a serialized ONNX model to uint8.
 * `OnnxGraphBuilder` (@rsd/rfsq) declares float32/int64/int32/bool inputs only; the bundle's
 * backbone takes `image` as uint8, so it is declared as int32 and retyped here.
 * model: serialized ModelProto → serialized ModelProto.
 */
export function retypeOnnxInputToUint8(model: Uint8Array, input: string): Uint8Array {
  const decoded = onnx.ModelProto.decode(model);
  const info = decoded.graph?.input?.find((i) => i.name === input);
  const tensorType = info?.type?.tensorType;
  if (!tensorType) throw new RangeError(`retypeOnnxInputToUint8: the model has no tensor input "${input}"`);
  tensorType.elemType = onnx.TensorProto.DataType.UINT8;
  return onnx.ModelProto.encode(decoded).finish();
}
