export { HeadsError } from './errors/heads-error.ts';
export type { HeadsErrorCode } from './errors/heads-error.ts';
export { validateHeadsConfig } from './heads-config.ts';
export type { HeadsConfig } from './heads-config.ts';
export { BUNDLE_FILES, BUNDLE_FORMAT, validateBundleManifest } from './bundle/bundle-manifest.ts';
export type {
  ActionNormalization,
  BackboneInfo,
  BundleDims,
  BundleFile,
  BundleManifest,
  Provenance,
  TokenizerInfo,
} from './bundle/bundle-manifest.ts';
