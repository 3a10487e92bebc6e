/** The ONNX opset of every graph `@rsd/heads` writes (IR version 8). */
export const HEADS_ONNX_OPSET = 17;
