export { RfsqError } from './errors/rfsq-error.ts';
export type { RfsqErrorCode } from './errors/rfsq-error.ts';
export { toResidualMajor, fromResidualMajor } from './token-layout.ts';
export type { TokenShape } from './token-layout.ts';
export { OnnxGraphBuilder, attrFloat } from './onnx/onnx-graph-builder.ts';
export type { OnnxAttrValue, OnnxDType, OnnxDim, OnnxTensorData, FloatAttr } from './onnx/onnx-graph-builder.ts';
export { selectTfBackend } from './tf/select-tf-backend.ts';
export type { SelectedTfBackend, TfBackendName } from './tf/select-tf-backend.ts';
export { RFSQ_VARIANTS, rfsqConfig, validateRfsqConfig } from './core/rfsq-config.ts';
export type { RfsqConfig, RfsqVariant } from './core/rfsq-config.ts';
export { RFSQ_FORMAT, validateRfsqParams } from './core/rfsq-params.ts';
export type { RfsqParams } from './core/rfsq-params.ts';
export type { DenseLayer, Activation } from './core/dense-layer.ts';
export { mlpForward, denseForward } from './core/dense-layer.ts';
export {
  computeActionNormalization,
  denormalizeActions,
  normalizeActions,
  validateActionNormalization,
} from './core/action-normalization.ts';
export type { ActionNormalization } from './core/action-normalization.ts';
export { fsqCode, fsqLevel, fsqStep, fsqHalfWidth, fsqQuantize, fsqDequantize } from './core/fsq-quantizer.ts';
export { residualQuantize, residualDequantize } from './core/residual-fsq.ts';
export { calibrateLayerNorm } from './core/calibrate-layer-norm.ts';
export type { ResidualLayerNorm, ResidualQuantization } from './core/residual-fsq.ts';
export { RfsqTokenizer } from './core/rfsq-tokenizer.ts';
export { exportRfsqOnnx, RFSQ_ENCODER_FILE, RFSQ_DECODER_FILE } from './onnx/export-rfsq-onnx.ts';
export type { RfsqOnnxModels } from './onnx/export-rfsq-onnx.ts';
export { SeededPrng } from './util/seeded-prng.ts';
export { adamBetaPower, restoreAdamState, saveAdamState } from './tf/adam-state.ts';
export type { AdamTensor } from './tf/adam-state.ts';
export { cutActionChunks } from './data/action-chunks.ts';
export { decodeNpy, encodeNpy, npyToFloat64 } from './io/npy.ts';
export type { NpyTypedArray } from './io/npy.ts';
export { loadRfsqParams, serializeRfsqParams, sha256Hex, RFSQ_JSON_FILE, RFSQ_WEIGHTS_FILE } from './io/rfsq-json.ts';
export type { RfsqJson } from './io/rfsq-json.ts';
export { computeRfsqReport } from './io/rfsq-report.ts';
export type { RfsqReport } from './io/rfsq-report.ts';
export { renderReportSvg } from './io/report-svg.ts';
export { verifyRfsqOnnx } from './onnx/verify-rfsq-onnx.ts';
