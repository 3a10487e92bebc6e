import { isExternalBackbone, type BundleManifest } from '@rsd/heads';
import type { RgbImage } from '@rsd/rsd-engine';
import { NdArray, NpGeneric, type WireValue } from './msgpack-numpy.ts';
import { RequestError } from './request-error.ts';
import { resizeMethodFor, resizeRgb, type ResizeMethod } from '@rsd/rsd-engine';

/**
 * Where the bundle's inputs are found in an openpi observation dict. The default serves openpi's
 * LIBERO example unchanged (`examples/libero/main.py`): `observation/image` uint8 [H, W, 3]
 * (upright: the example flips LIBERO's image itself), `observation/state` = eef pos (3) ‖
 * axis-angle (3) ‖ gripper qpos (2), `prompt`.
 */
export interface ObservationMapping {
  /** uint8 [H, W, 3] → the bundle's agent view (resized to its input). */
  readonly imageKey: string;
  /** float [N] → the bundle's proprioception fields, by `stateSlices`. */
  readonly stateKey: string;
  /** str → the instruction. */
  readonly promptKey: string;
  /** float [F] (or [1, F]) → decoded with `predictFromFeatures` (the only input of an external-backbone bundle). */
  readonly featuresKey: string;
  /** Per proprio field of the bundle, the slice [start, end) of the state vector. */
  readonly stateSlices: Readonly<Record<string, readonly [number, number]>>;
}

/** openpi's LIBERO example: eePos = state[0:3], (axis-angle state[3:6] unused), gripperQpos = state[6:8]. */
export const LIBERO_MAPPING: ObservationMapping = {
  imageKey: 'observation/image',
  stateKey: 'observation/state',
  promptKey: 'prompt',
  featuresKey: 'features',
  stateSlices: { eePos: [0, 3], gripperQpos: [6, 8] },
};

/** Parses `eePos=0:3,gripperQpos=6:8` (a field may be given once; end > start ≥ 0). */
export function parseStateMap(text: string): Record<string, [number, number]> {
  const out: Record<string, [number, number]> = {};
  for (const part of text.split(',')) {
    const m = /^\s*([A-Za-z_][\w]*)\s*=\s*(\d+)\s*:\s*(\d+)\s*$/.exec(part);
    if (m === null) throw new TypeError(`--state-map: "${part}" is not <field>=<start>:<end> (e.g. eePos=0:3,gripperQpos=6:8)`);
    const [start, end] = [Number(m[2]), Number(m[3])];
    if (end <= start) throw new TypeError(`--state-map: ${m[1]}=${start}:${end} is empty (end must be greater than start)`);
    if (m[1]! in out) throw new TypeError(`--state-map names ${m[1]} twice`);
    out[m[1]!] = [start, end];
  }
  return out;
}

/** One row for the engine: an observation for the bundle's backbone, or features. */
export type EngineRow =
  | { readonly kind: 'observation'; readonly image: RgbImage; readonly instruction: string; readonly proprio?: Float32Array; readonly resized: ResizeMethod }
  | { readonly kind: 'features'; readonly features: Float32Array };

/** What the server promises about inputs: reported in the metadata, checked on every request. */
export interface InputContract {
  readonly mapping: ObservationMapping;
  /** The bundle's image size (absent for an external backbone). */
  readonly image?: { readonly height: number; readonly width: number };
  /** The bundle's proprio fields and size (absent: the bundle reads no proprioception). */
  readonly proprio?: { readonly size: number; readonly fields: readonly string[] };
  readonly external: boolean;
  readonly F: number;
  /** Largest accepted image side in pixels. */
  readonly maxImageSide: number;
}

/**
 * Checks the mapping against the bundle at start-up: every proprio field of the bundle needs a
 * slice, and the slices must add up to `backbone.proprio.size`. Errors name the field.
 */
export function inputContract(manifest: BundleManifest, mapping: ObservationMapping, maxImageSide: number): InputContract {
  const b = manifest.backbone;
  if (isExternalBackbone(b)) return { mapping, external: true, F: manifest.dims.F, maxImageSide };
  if (b.proprio !== undefined) {
    let total = 0;
    for (const field of b.proprio.fields) {
      const slice = mapping.stateSlices[field];
      if (slice === undefined) {
        throw new TypeError(`bundle "${manifest.name}" reads proprio field ${field} (manifest.json backbone.proprio.fields), which --state-map does not place in ${mapping.stateKey}`);
      }
      total += slice[1] - slice[0];
    }
    if (total !== b.proprio.size) {
      throw new TypeError(`--state-map gives ${total} values for [${b.proprio.fields.join(', ')}] but manifest.json backbone.proprio.size is ${b.proprio.size}`);
    }
  }
  return { mapping, image: b.image, ...(b.proprio === undefined ? {} : { proprio: b.proprio }), external: false, F: manifest.dims.F, maxImageSide };
}

function describe(v: WireValue | undefined): string {
  if (v === undefined) return 'nothing';
  if (v instanceof NdArray) return `ndarray ${v.dtype} [${v.shape.join(', ')}]`;
  if (v instanceof NpGeneric) return `numpy scalar ${v.dtype}`;
  if (v === null) return 'None';
  if (v instanceof Uint8Array) return `bytes (${v.byteLength})`;
  if (Array.isArray(v)) return `a list of ${v.length}`;
  return typeof v === 'object' ? 'a dict' : typeof v;
}

function floatVector(obs: Record<string, WireValue>, key: string, what: string): Float32Array {
  const v = obs[key];
  if (v === undefined) throw new RequestError(`missing key "${key}": expected ${what}`, key);
  let values: Float32Array;
  if (v instanceof NdArray && (v.info.kind === 'f' || v.info.kind === 'i' || v.info.kind === 'u')) values = v.toFloat32();
  else if (Array.isArray(v) && v.every((x) => typeof x === 'number')) values = Float32Array.from(v as number[]);
  else throw new RequestError(`"${key}": expected ${what}, got ${describe(v)}`, key);
  for (let i = 0; i < values.length; i++) {
    if (!Number.isFinite(values[i]!)) throw new RequestError(`"${key}"[${i}] is ${values[i]}: values must be finite`, key);
  }
  return values;
}

/**
 * Turns one decoded request into an engine row, checking everything the engine would refuse;
 * every mistake is a RequestError naming the key, what was expected and what arrived. Keys the
 * bundle does not read (e.g. `observation/wrist_image`) are ignored.
 */
export function toEngineRow(request: WireValue, contract: InputContract): EngineRow {
  if (request === null || typeof request !== 'object' || Array.isArray(request) || request instanceof NdArray || request instanceof NpGeneric || request instanceof Uint8Array) {
    throw new RequestError(`the request must be a dict of observation keys, got ${describe(request)}`);
  }
  const obs = request as Record<string, WireValue>;
  const { mapping } = contract;
  const fkey = mapping.featuresKey;
  if (contract.external || obs[fkey] !== undefined) {
    const v = obs[fkey];
    const what = `float32 [${contract.F}] features${contract.external ? ' (this bundle has an external backbone: features are its only input)' : ''}`;
    if (v === undefined) throw new RequestError(`missing key "${fkey}": expected ${what}`, fkey);
    const shapeOk = v instanceof NdArray && (v.shape.length === 1 || (v.shape.length === 2 && v.shape[0] === 1)) && v.size === contract.F;
    if (!(v instanceof NdArray) || v.info.kind !== 'f' || !shapeOk) throw new RequestError(`"${fkey}": expected ${what}, got ${describe(v)}`, fkey);
    return { kind: 'features', features: floatVector(obs, fkey, what) };
  }
  const image = obs[mapping.imageKey];
  const size = contract.image!;
  const imgWhat = `uint8 [H, W, 3] (upright RGB; resized to the bundle's ${size.height}x${size.width})`;
  if (image === undefined) throw new RequestError(`missing key "${mapping.imageKey}": expected ${imgWhat}`, mapping.imageKey);
  if (!(image instanceof NdArray) || image.dtype !== '|u1' || image.shape.length !== 3 || image.shape[2] !== 3 || image.shape[0] === 0 || image.shape[1] === 0) {
    throw new RequestError(`"${mapping.imageKey}": expected ${imgWhat}, got ${describe(image)}`, mapping.imageKey);
  }
  const [h, w] = [image.shape[0]!, image.shape[1]!];
  if (h > contract.maxImageSide || w > contract.maxImageSide) {
    throw new RequestError(`"${mapping.imageKey}": ${h}x${w} exceeds the server's image limit of ${contract.maxImageSide} pixels a side (--max-image-side)`, 'max-image-side');
  }
  const rgb = { width: w, height: h, data: image.bytes };
  const resized = resizeMethodFor(w, h, size.width, size.height);
  const prompt = obs[mapping.promptKey];
  let instruction: string;
  if (typeof prompt === 'string') instruction = prompt;
  else if (prompt instanceof NpGeneric && typeof prompt.value === 'string') instruction = prompt.value;
  else if (prompt instanceof Uint8Array) instruction = new TextDecoder().decode(prompt);
  else if (prompt === undefined) throw new RequestError(`missing key "${mapping.promptKey}": expected the instruction as a str`, mapping.promptKey);
  else throw new RequestError(`"${mapping.promptKey}": expected the instruction as a str, got ${describe(prompt)}`, mapping.promptKey);
  let proprio: Float32Array | undefined;
  if (contract.proprio !== undefined) {
    const need = Math.max(...contract.proprio.fields.map((f) => mapping.stateSlices[f]![1]));
    const slices = contract.proprio.fields.map((f) => `${f} = [${mapping.stateSlices[f]!.join(':')}]`).join(', ');
    const what = `a float array of at least ${need} values (${slices})`;
    const state = obs[mapping.stateKey];
    if (state instanceof NdArray && state.shape.length !== 1) throw new RequestError(`"${mapping.stateKey}": expected ${what}, got ${describe(state)}`, mapping.stateKey);
    const values = floatVector(obs, mapping.stateKey, what);
    if (values.length < need) throw new RequestError(`"${mapping.stateKey}": expected ${what}, got ${describe(state)}`, mapping.stateKey);
    proprio = new Float32Array(contract.proprio.size);
    let o = 0;
    for (const f of contract.proprio.fields) {
      const [s, e] = mapping.stateSlices[f]!;
      proprio.set(values.subarray(s, e), o);
      o += e - s;
    }
  }
  return {
    kind: 'observation',
    image: resized === 'none' ? rgb : resizeRgb(rgb, size.width, size.height),
    instruction,
    ...(proprio === undefined ? {} : { proprio }),
    resized,
  };
}
