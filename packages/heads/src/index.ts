export { HeadsError } from './errors/heads-error.ts';
export type { HeadsErrorCode } from './errors/heads-error.ts';
export { validateHeadsConfig } from './heads-config.ts';
export type { HeadsConfig } from './heads-config.ts';
export {
  BUNDLE_FILES,
  BUNDLE_FORMAT,
  bundleFilesOf,
  isExternalBackbone,
  OBSERVATION_CONVENTIONS,
  onnxBackboneOf,
  validateBundleManifest,
} from './bundle/bundle-manifest.ts';
export { hashInstruction } from './bundle/hash-instruction.ts';
export type {
  ActionNormalization,
  BackboneInfo,
  BundleDims,
  BundleFile,
  BundleFileMap,
  BundleManifest,
  ExecutionInfo,
  ExternalBackboneInfo,
  Provenance,
  TrainedOnInfo,
  ContinuousInfo,
  TokenizerInfo,
} from './bundle/bundle-manifest.ts';
export {
  checkHeadWeights,
  draftParameterSpecs,
  headParameterSpecs,
  mainParameterSpecs,
} from './model/head-parameters.ts';
export type { DraftWeights, HeadArch, MainWeights, ParameterSpec } from './model/head-parameters.ts';
export { applyMask, hiddenDegree, mainMasks } from './model/made-masks.ts';
export type { MainMasks } from './model/made-masks.ts';
export { draftForward } from './model/draft-forward.ts';
export { mainForward } from './model/main-forward.ts';
export { HEADS_ONNX_OPSET } from './export/onnx-opset.ts';
export { exportDraftOnnx } from './export/export-draft-onnx.ts';
export { exportMainPrefixDraftOnnx, prefixUnits } from './export/export-main-prefix-draft-onnx.ts';
export { mainWeightsFromOnnx } from './export/main-weights-from-onnx.ts';
export { exportMainOnnx } from './export/export-main-onnx.ts';
export { prependInputAffine } from './export/prepend-input-affine.ts';
export { exportContinuousHeadOnnx } from './export/export-continuous-onnx.ts';
export type { ContinuousHeadWeights } from './export/export-continuous-onnx.ts';
export { bundleManifest, sha256Hex, writeBundle } from './bundle/write-bundle.ts';
export type { BundleParts } from './bundle/write-bundle.ts';
export { DraftHeadTf } from './model/draft-head-tf.ts';
export { MainHeadTf } from './model/main-head-tf.ts';
export type { Tf, TfLinear } from './model/tf-dense.ts';
export { readTorchCheckpoint } from './checkpoint/torch-checkpoint-reader.ts';
export type { ReadCheckpointOptions, TorchCheckpoint } from './checkpoint/torch-checkpoint-reader.ts';
export { readSafetensors } from './checkpoint/safetensors-reader.ts';
export type { SafetensorsFile } from './checkpoint/safetensors-reader.ts';
export { writeSafetensors } from './checkpoint/safetensors-writer.ts';
export { writeTorchCheckpoint } from './checkpoint/torch-checkpoint-writer.ts';
export { loadCheckpoint, parseCheckpoint } from './checkpoint/load-checkpoint.ts';
export type { LoadCheckpointOptions, LoadedCheckpoint } from './checkpoint/load-checkpoint.ts';
export { findStateDict } from './checkpoint/state-dict.ts';
export type { FoundStateDict } from './checkpoint/state-dict.ts';
export type { CheckpointDType, CheckpointTensor, CheckpointTensorData } from './checkpoint/checkpoint-tensor.ts';
export { checkpointValueToJson, isCheckpointDict, isCheckpointTensor } from './checkpoint/checkpoint-value.ts';
export type { CheckpointValue } from './checkpoint/checkpoint-value.ts';
export { headWeightsFromStateDict } from './checkpoint/head-weights-from-state-dict.ts';
export type { HeadWeightsOptions } from './checkpoint/head-weights-from-state-dict.ts';
export { configFromShapes, inferHeadsConfig } from './checkpoint/infer-heads-config.ts';
export type { InferConfigOptions } from './checkpoint/infer-heads-config.ts';
export { checkpointConfig, checkpointToOnnx } from './checkpoint/checkpoint-to-onnx.ts';
export type { CheckpointToOnnxOptions, ConvertedHead } from './checkpoint/checkpoint-to-onnx.ts';
export { trainHeads } from './train/train-heads.ts';
export { checkPrefixNoise, corruptPrefix, undecidedCode } from './train/prefix-noise.ts';
export type { PrefixNoise } from './train/prefix-noise.ts';
export type {
  TrainHeadsDeps,
  TrainHeadsOptions,
  TrainHeadsResult,
  TrainReport,
  TrainedFiles,
} from './train/train-heads.ts';
export { checkDatasetAgainstConfig, featureDataset, readFeatureDataset } from './train/feature-dataset.ts';
export type { FeatureDataset } from './train/feature-dataset.ts';
export { readNpy, writeNpy } from './train/npy-file.ts';
export type { NpyArray } from './train/npy-file.ts';
export { acceptanceReport } from './train/acceptance-report.ts';
export type { AcceptanceReport } from './train/acceptance-report.ts';
export { argmaxAt, draftArgmax, greedyDecode } from './train/greedy-decode.ts';
export { loadTrainState, saveTrainState } from './train/train-checkpoint.ts';
export type { TrainState } from './train/train-checkpoint.ts';
export { draftFromMainLayer0, draftFromMainLayer0Check, draftLayer0FrozenMasks } from './model/draft-from-main.ts';
export { convOutputSizes, flatWidth, usesKeypoints, validateBackboneConfig } from './backbone/backbone-config.ts';
export type { BackboneConfig, ConvSpec } from './backbone/backbone-config.ts';
export { backboneParameterShapes, initBackboneWeights } from './backbone/backbone-weights.ts';
export type { BackboneWeights } from './backbone/backbone-weights.ts';
export { backboneForward } from './backbone/tf-backbone.ts';
export type { BackboneTfInputs } from './backbone/tf-backbone.ts';
export { exportBackboneOnnx } from './backbone/export-backbone-onnx.ts';
export { registerWasmTrainingKernels } from './tf/wasm-training-kernels.ts';
