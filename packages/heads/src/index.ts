export { HeadsError } from './errors/heads-error.ts';
export type { HeadsErrorCode } from './errors/heads-error.ts';
export { validateHeadsConfig } from './heads-config.ts';
export type { HeadsConfig } from './heads-config.ts';
export { BUNDLE_FILES, BUNDLE_FORMAT, validateBundleManifest } from './bundle/bundle-manifest.ts';
export { hashInstruction } from './bundle/hash-instruction.ts';
export type {
  ActionNormalization,
  BackboneInfo,
  BundleDims,
  BundleFile,
  BundleManifest,
  Provenance,
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
export { exportMainOnnx } from './export/export-main-onnx.ts';
export { bundleManifest, sha256Hex, writeBundle } from './bundle/write-bundle.ts';
export type { BundleParts } from './bundle/write-bundle.ts';
export { DraftHeadTf } from './model/draft-head-tf.ts';
export { MainHeadTf } from './model/main-head-tf.ts';
export type { Tf, TfLinear } from './model/tf-dense.ts';
