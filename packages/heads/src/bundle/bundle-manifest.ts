import { HeadsError } from '../errors/heads-error.ts';

/** The literal format version of `manifest.json`; a different one is refused by name. */
export const BUNDLE_FORMAT = 'rsd-bundle/1';

/** The five ONNX files of an RSD bundle (SPEC §2); `draft.onnx` is optional (see {@link bundleFilesOf}). */
export const BUNDLE_FILES = ['backbone.onnx', 'draft.onnx', 'main.onnx', 'rfsq_encoder.onnx', 'rfsq_decoder.onnx'] as const;

/** The optional sixth file: the teacher's continuous head on the same features (manifest block `continuous`). */
export const CONTINUOUS_FILE = 'continuous.onnx';

export type BundleFile = (typeof BUNDLE_FILES)[number] | typeof CONTINUOUS_FILE;

/**
 * One value per bundle file; `draft.onnx` only in bundles that have a draft (dims.k > 0),
 * `backbone.onnx` only in bundles whose backbone is not external.
 */
export type BundleFileMap<T> = Readonly<Record<Exclude<BundleFile, 'draft.onnx' | 'backbone.onnx' | 'continuous.onnx'>, T>> & {
  readonly 'draft.onnx'?: T;
  readonly 'backbone.onnx'?: T;
  readonly 'continuous.onnx'?: T;
};

/**
 * The files of a bundle, in {@link BUNDLE_FILES} order, from what its manifest says: all five;
 * no `draft.onnx` when `dims.k` is 0 (a main head alone, decoded in `baseline` or `jacobi`
 * mode); no `backbone.onnx` when `backbone.kind` is `external` (features come from outside).
 */
export function bundleFilesOf(manifest: {
  readonly dims: { readonly k: number };
  readonly backbone: BackboneInfo | ExternalBackboneInfo;
  readonly continuous?: ContinuousInfo;
}): BundleFile[] {
  return filesFor(manifest.dims.k > 0, manifest.backbone.kind === 'external', manifest.continuous !== undefined);
}

function filesFor(draft: boolean, external: boolean, continuous: boolean): BundleFile[] {
  const core: BundleFile[] = BUNDLE_FILES.filter((f) => (f !== 'draft.onnx' || draft) && (f !== 'backbone.onnx' || !external));
  return continuous ? [...core, CONTINUOUS_FILE] : core;
}

/**
 * The teacher's continuous head (`continuous.onnx`: features [B, F] → actions [B, C, A] in the
 * environment's units), shipped so an evaluation can run the policy the heads were distilled
 * from (`continuous` mode) next to the token policy.
 */
export interface ContinuousInfo {
  /** What the head is (e.g. the teacher and how it was trained). */
  readonly description: string;
}

/** Sizes shared by every model of the bundle. */
export interface BundleDims {
  /** Action chunk length (steps). */
  readonly C: number;
  /** Action width (7: dx dy dz droll dpitch dyaw gripper). */
  readonly A: number;
  /** Latent dims per step. */
  readonly H: number;
  /** Residual layers. */
  readonly L: number;
  /** FSQ levels per code. */
  readonly K: number;
  /** Backbone feature width. */
  readonly F: number;
  /** Layers the draft proposes (default proposal length), 1..L; 0 for a bundle without `draft.onnx`. */
  readonly k: number;
}

/**
 * Action normalisation: environment units → [-1, 1] per dimension,
 * `x_n = 2 (x − low) / (high − low) − 1` (the decoder graph applies the inverse).
 */
export interface ActionNormalization {
  readonly kind: 'bounds';
  /** float [A]: value mapped to −1 (e.g. the 1st percentile of the data). */
  readonly low: readonly number[];
  /** float [A]: value mapped to +1 (e.g. the 99th percentile). */
  readonly high: readonly number[];
}

/** The tokenizer's variant and its fixed per-layer normalisation (SPEC §1.1). */
export interface TokenizerInfo {
  readonly variant: 'robust' | 'naive';
  /** float [L]: residual scale of each layer (all 1 for naive). */
  readonly layerScales: readonly number[];
  /** float [L]: residual shift of each layer (all 0 for naive). */
  readonly layerShifts: readonly number[];
}

/** How the backbone reads its inputs (`backbone.onnx` in the bundle). */
export interface BackboneInfo {
  /** Absent in bundles written before external backbones existed; `onnx` otherwise. */
  readonly kind?: 'onnx';
  /** `image` uint8 [B, height, width, 3], upright (row 0 = top). */
  readonly image: { readonly height: number; readonly width: number };
  /** `instruction` int64 [B, maxTokens]: lower-cased words hashed into [1, vocabSize), 0 = padding. */
  readonly instruction: { readonly kind: 'hashed-words'; readonly vocabSize: number; readonly maxTokens: number };
  /** `proprio` float32 [B, size] when present: which observation fields, concatenated in order. */
  readonly proprio?: { readonly size: number; readonly fields: readonly string[] };
}

/**
 * A backbone that lives outside the bundle (e.g. a VLA's last hidden state, computed next to the
 * simulator by the LIBERO server's `--features` module): the bundle has no `backbone.onnx`, and
 * the engine decodes from the float32 [F] features that arrive with each observation.
 */
export interface ExternalBackboneInfo {
  readonly kind: 'external';
  /** What computes the features, e.g. `openvla:openvla-7b-oft-finetuned-libero-spatial`; shown in errors and reports. */
  readonly provider: string;
  /** Feature width; equals `dims.F`. */
  readonly F: number;
  /** The size the environment should render at (the provider crops or resizes itself); optional. */
  readonly image?: { readonly height: number; readonly width: number };
  readonly note?: string;
}

/** Whether the bundle's backbone is external (no `backbone.onnx`; features come with the observations). */
export function isExternalBackbone(backbone: BackboneInfo | ExternalBackboneInfo): backbone is ExternalBackboneInfo {
  return backbone.kind === 'external';
}

/**
 * The bundle's ONNX backbone description; a bundle with an external backbone is a TypeError naming
 * `what` (the operation that needs `backbone.onnx`) and the provider.
 */
export function onnxBackboneOf(manifest: Pick<BundleManifest, 'name' | 'backbone'>, what: string): BackboneInfo {
  const b = manifest.backbone;
  if (isExternalBackbone(b)) {
    throw new TypeError(
      `${what} needs backbone.onnx, but bundle "${manifest.name}" has an external backbone (manifest.json backbone.kind = "external", provider ${JSON.stringify(b.provider)}): its features come with each observation`,
    );
  }
  return b;
}

/**
 * How the policy is meant to be run in closed loop (the evaluation's defaults for this bundle;
 * flags override). `ensemble`: `none` or `temporal:<decay>` (ACT's temporal ensemble).
 */
export interface ExecutionInfo {
  /** Actions of each chunk executed before the next policy call, 1..C. */
  readonly executeSteps: number;
  readonly ensemble: string;
  /** Why these values (e.g. the evaluation that chose them). */
  readonly note?: string;
}

/** Observation conventions a bundle can be trained on (see {@link TrainedOnInfo.conventions}). */
export const OBSERVATION_CONVENTIONS = ['libero', 'embedded-v0'] as const;

/**
 * Where the policy was trained: the evaluation warns when it runs elsewhere. `conventions`:
 * `libero` = LIBERO's observation frames and signs (world-frame `eePos` with the table top
 * ≈ 0.9 m up, `eeQuat` (x, y, z, w), fingers left +, right −), as the embedded suite and real
 * LIBERO deliver them; `embedded-v0` = the embedded suite before it adopted them (table top at
 * z = 0, both fingers +).
 */
export interface TrainedOnInfo {
  /** The environment backend the training data came from: `embedded` or `python` (real LIBERO). */
  readonly env: string;
  /** The suite, e.g. `embedded_spatial` or `libero_spatial`. */
  readonly suite: string;
  readonly conventions: (typeof OBSERVATION_CONVENTIONS)[number];
  readonly note?: string;
}

/** Where the bundle came from (commit, seeds, data hashes, time, losses). Free-form values. */
export type Provenance = Readonly<Record<string, unknown>>;

/** `manifest.json` of a model bundle. */
export interface BundleManifest {
  readonly format: typeof BUNDLE_FORMAT;
  readonly name: string;
  readonly dims: BundleDims;
  readonly actionNormalization: ActionNormalization;
  readonly tokenizer: TokenizerInfo;
  /** `backbone.onnx`'s inputs, or an external backbone (no `backbone.onnx`). */
  readonly backbone: BackboneInfo | ExternalBackboneInfo;
  /** sha256 (lower-case hex) of each ONNX file. */
  readonly files: BundleFileMap<{ readonly sha256: string }>;
  /** Optional: how to run the policy (absent = open-loop chunks of C). */
  readonly execution?: ExecutionInfo;
  /** Optional (absent in old bundles): the environment and suite the policy was trained on. */
  readonly trainedOn?: TrainedOnInfo;
  /** Optional: the bundle also ships the teacher's continuous head, `continuous.onnx`. */
  readonly continuous?: ContinuousInfo;
  readonly provenance: Provenance;
}

/** Validates a parsed `manifest.json`; every error names the file and the field. */
export function validateBundleManifest(value: unknown, file = 'manifest.json'): BundleManifest {
  const fail = (field: string, why: string): never => {
    throw new HeadsError('INVALID_CONFIG', `${file}: field "${field}" ${why}`, { subject: `${file}#${field}` });
  };
  const obj = (v: unknown, field: string): Record<string, unknown> => {
    if (typeof v !== 'object' || v === null || Array.isArray(v)) fail(field, 'must be an object');
    return v as Record<string, unknown>;
  };
  const int = (v: unknown, field: string, min: number): number => {
    if (typeof v !== 'number' || !Number.isInteger(v) || v < min) fail(field, `must be an integer >= ${min}, got ${JSON.stringify(v)}`);
    return v as number;
  };
  const floats = (v: unknown, field: string, n: number): number[] => {
    if (!Array.isArray(v) || v.length !== n || !v.every((x) => typeof x === 'number' && Number.isFinite(x))) {
      fail(field, `must be ${n} finite numbers`);
    }
    return v as number[];
  };
  const m = obj(value, '(root)');
  if (m.format !== BUNDLE_FORMAT) fail('format', `must be "${BUNDLE_FORMAT}", got ${JSON.stringify(m.format)}`);
  if (typeof m.name !== 'string' || m.name === '') fail('name', 'must be a non-empty string');
  const d = obj(m.dims, 'dims');
  const dims = {
    C: int(d.C, 'dims.C', 1),
    A: int(d.A, 'dims.A', 1),
    H: int(d.H, 'dims.H', 1),
    L: int(d.L, 'dims.L', 1),
    K: int(d.K, 'dims.K', 2),
    F: int(d.F, 'dims.F', 1),
    k: int(d.k, 'dims.k', 0),
  };
  if (dims.k > dims.L) fail('dims.k', `(${dims.k}) must be <= dims.L (${dims.L})`);
  const n = obj(m.actionNormalization, 'actionNormalization');
  if (n.kind !== 'bounds') fail('actionNormalization.kind', 'must be "bounds"');
  const low = floats(n.low, 'actionNormalization.low', dims.A);
  const high = floats(n.high, 'actionNormalization.high', dims.A);
  low.forEach((lo, i) => {
    if (!(high[i]! > lo)) fail(`actionNormalization.high[${i}]`, `must be > low[${i}] (${lo})`);
  });
  const t = obj(m.tokenizer, 'tokenizer');
  if (t.variant !== 'robust' && t.variant !== 'naive') fail('tokenizer.variant', 'must be "robust" or "naive"');
  const scales = floats(t.layerScales, 'tokenizer.layerScales', dims.L);
  if (scales.some((s) => !(s > 0))) fail('tokenizer.layerScales', 'must be positive');
  floats(t.layerShifts, 'tokenizer.layerShifts', dims.L);
  const b = obj(m.backbone, 'backbone');
  const external = b.kind === 'external';
  if (b.kind !== undefined && b.kind !== 'onnx' && !external) fail('backbone.kind', `must be "onnx" or "external", got ${JSON.stringify(b.kind)}`);
  if (external) {
    if (typeof b.provider !== 'string' || b.provider === '') fail('backbone.provider', 'must name what computes the features (a non-empty string)');
    const F = int(b.F, 'backbone.F', 1);
    if (F !== dims.F) fail('backbone.F', `(${F}) must equal dims.F (${dims.F})`);
    if (b.image !== undefined) {
      const img = obj(b.image, 'backbone.image');
      int(img.height, 'backbone.image.height', 1);
      int(img.width, 'backbone.image.width', 1);
    }
    if (b.note !== undefined && typeof b.note !== 'string') fail('backbone.note', 'must be a string');
  } else {
    const img = obj(b.image, 'backbone.image');
    int(img.height, 'backbone.image.height', 1);
    int(img.width, 'backbone.image.width', 1);
    const ins = obj(b.instruction, 'backbone.instruction');
    if (ins.kind !== 'hashed-words') fail('backbone.instruction.kind', 'must be "hashed-words"');
    int(ins.vocabSize, 'backbone.instruction.vocabSize', 2);
    int(ins.maxTokens, 'backbone.instruction.maxTokens', 1);
    if (b.proprio !== undefined) {
      const p = obj(b.proprio, 'backbone.proprio');
      const size = int(p.size, 'backbone.proprio.size', 1);
      if (!Array.isArray(p.fields) || !p.fields.every((f) => typeof f === 'string')) {
        fail('backbone.proprio.fields', 'must be a list of observation field names');
      }
      void size;
    }
  }
  const files = obj(m.files, 'files');
  if (dims.k === 0 && files['draft.onnx'] !== undefined) fail('files["draft.onnx"]', 'is listed but dims.k is 0 (no draft); set dims.k to the layers the draft proposes');
  if (external && files['backbone.onnx'] !== undefined) fail('files["backbone.onnx"]', 'is listed but backbone.kind is "external" (features come from outside the bundle)');
  if (m.continuous !== undefined) {
    const c = obj(m.continuous, 'continuous');
    if (typeof c.description !== 'string' || c.description === '') fail('continuous.description', 'must be a non-empty string');
    if (external) fail('continuous', 'needs the bundle\'s own backbone.onnx (backbone.kind is "external")');
  } else if (files['continuous.onnx'] !== undefined) fail('files["continuous.onnx"]', 'is listed but the manifest has no "continuous" block describing it');
  for (const f of filesFor(dims.k > 0, external, m.continuous !== undefined)) {
    const entry = obj(files[f], `files["${f}"]`);
    if (typeof entry.sha256 !== 'string' || !/^[0-9a-f]{64}$/.test(entry.sha256)) {
      fail(`files["${f}"].sha256`, 'must be 64 lower-case hex digits');
    }
  }
  if (m.execution !== undefined) {
    const e = obj(m.execution, 'execution');
    const steps = int(e.executeSteps, 'execution.executeSteps', 1);
    if (steps > dims.C) fail('execution.executeSteps', `(${steps}) must be <= dims.C (${dims.C})`);
    if (typeof e.ensemble !== 'string' || !/^(none|temporal:(\d+(\.\d+)?|\.\d+)(e-?\d+)?)$/.test(e.ensemble)) {
      fail('execution.ensemble', `must be "none" or "temporal:<decay >= 0>", got ${JSON.stringify(e.ensemble)}`);
    }
    if (e.note !== undefined && typeof e.note !== 'string') fail('execution.note', 'must be a string');
  }
  if (m.trainedOn !== undefined) {
    const o = obj(m.trainedOn, 'trainedOn');
    for (const k of ['env', 'suite'] as const) {
      if (typeof o[k] !== 'string' || o[k] === '') fail(`trainedOn.${k}`, 'must be a non-empty string');
    }
    if (!(OBSERVATION_CONVENTIONS as readonly unknown[]).includes(o.conventions)) {
      fail('trainedOn.conventions', `must be one of ${OBSERVATION_CONVENTIONS.map((c) => `"${c}"`).join(', ')}, got ${JSON.stringify(o.conventions)}`);
    }
    if (o.note !== undefined && typeof o.note !== 'string') fail('trainedOn.note', 'must be a string');
  }
  obj(m.provenance, 'provenance');
  return value as BundleManifest;
}
