export { RfsqError } from './errors/rfsq-error.ts';
export type { RfsqErrorCode } from './errors/rfsq-error.ts';
export { toResidualMajor, fromResidualMajor } from './token-layout.ts';
export type { TokenShape } from './token-layout.ts';
export { OnnxGraphBuilder, attrFloat } from './onnx/onnx-graph-builder.ts';
export type { OnnxAttrValue, OnnxDType, OnnxDim, OnnxTensorData, FloatAttr } from './onnx/onnx-graph-builder.ts';
export { selectTfBackend } from './tf/select-tf-backend.ts';
export type { SelectedTfBackend, TfBackendName } from './tf/select-tf-backend.ts';
