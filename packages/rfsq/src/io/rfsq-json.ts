import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { DenseLayer } from '../core/dense-layer.ts';
import type { RfsqParams } from '../core/rfsq-params.ts';
import { RFSQ_FORMAT, validateRfsqParams } from '../core/rfsq-params.ts';
import { RfsqError } from '../errors/rfsq-error.ts';

/** File names of a saved tokenizer. */
export const RFSQ_JSON_FILE = 'rfsq.json';
export const RFSQ_WEIGHTS_FILE = 'rfsq_weights.bin';

/** Where one tensor sits in `rfsq_weights.bin` (float32 little-endian, byte offset). */
interface TensorEntry {
  readonly name: string;
  readonly shape: readonly number[];
  readonly offset: number;
}

/** `rfsq.json`: config, fixed layer norm, action normalisation, weight index, and free-form extras. */
export interface RfsqJson {
  readonly format: typeof RFSQ_FORMAT;
  readonly config: RfsqParams['config'];
  readonly actionNormalization: RfsqParams['actionNormalization'];
  readonly layerScales: readonly number[];
  readonly layerShifts: readonly number[];
  readonly weights: { readonly file: string; readonly sha256: string; readonly tensors: readonly TensorEntry[] };
  /** Training run, data provenance, file hashes… */
  readonly [extra: string]: unknown;
}

/** A float32 tensor stored next to the weights (e.g. optimizer state in a checkpoint). */
export interface StoredTensor {
  readonly shape: readonly number[];
  readonly data: Float32Array;
}

/**
 * Serializes params into `rfsq.json` text and the `rfsq_weights.bin` bytes. `extraTensors`
 * (names must not start with `encoder.`/`decoder.`) are stored in the same file.
 */
export function serializeRfsqParams(
  params: RfsqParams,
  extra: Record<string, unknown> = {},
  extraTensors: ReadonlyMap<string, StoredTensor> = new Map(),
): { json: string; weights: Uint8Array } {
  validateRfsqParams(params);
  const tensors: TensorEntry[] = [];
  const parts: Float32Array[] = [];
  let offset = 0;
  const add = (name: string, shape: number[], data: Float32Array) => {
    tensors.push({ name, shape, offset });
    parts.push(data);
    offset += data.byteLength;
  };
  for (const [side, layers] of [['encoder', params.encoder], ['decoder', params.decoder]] as const) {
    layers.forEach((l, i) => {
      add(`${side}.${i}.weight`, [l.inDim, l.outDim], l.weight);
      add(`${side}.${i}.bias`, [l.outDim], l.bias);
    });
  }
  for (const [name, t] of extraTensors) {
    if (/^(encoder|decoder)\./.test(name)) throw new RangeError(`extra tensor name "${name}" clashes with the weights`);
    add(name, [...t.shape], t.data);
  }
  const weights = new Uint8Array(offset);
  let o = 0;
  for (const p of parts) {
    weights.set(new Uint8Array(p.buffer, p.byteOffset, p.byteLength), o);
    o += p.byteLength;
  }
  const doc: RfsqJson = {
    ...extra,
    format: RFSQ_FORMAT,
    config: params.config,
    actionNormalization: params.actionNormalization,
    layerScales: params.layerScales,
    layerShifts: params.layerShifts,
    weights: { file: RFSQ_WEIGHTS_FILE, sha256: sha256Hex(weights), tensors },
  };
  return { json: JSON.stringify(doc, null, 2) + '\n', weights };
}

/** sha256 of bytes, lower-case hex. */
export function sha256Hex(bytes: Uint8Array): string {
  return createHash('sha256').update(bytes).digest('hex');
}

/**
 * Loads a tokenizer saved in `dir` (`rfsq.json` + `rfsq_weights.bin`). Every problem is an
 * RfsqError naming the file and field.
 */
export function loadRfsqParams(dir: string): { params: RfsqParams; json: RfsqJson; extraTensors: Map<string, StoredTensor> } {
  const jsonFile = join(dir, RFSQ_JSON_FILE);
  if (!existsSync(jsonFile)) throw new RfsqError('IO_ERROR', `${jsonFile}: does not exist`, { subject: jsonFile });
  let doc: RfsqJson;
  try {
    doc = JSON.parse(readFileSync(jsonFile, 'utf8')) as RfsqJson;
  } catch (cause) {
    throw new RfsqError('INVALID_DATA', `${jsonFile}: is not valid JSON`, { subject: jsonFile, cause });
  }
  if (doc.format !== RFSQ_FORMAT) {
    throw new RfsqError('INVALID_CONFIG', `${jsonFile}: field "format" must be "${RFSQ_FORMAT}", got ${JSON.stringify(doc.format)}`, {
      subject: `${jsonFile}#format`,
    });
  }
  const weightsFile = join(dir, doc.weights?.file ?? RFSQ_WEIGHTS_FILE);
  if (!existsSync(weightsFile)) throw new RfsqError('IO_ERROR', `${weightsFile}: does not exist`, { subject: weightsFile });
  const bytes = new Uint8Array(readFileSync(weightsFile));
  if (sha256Hex(bytes) !== doc.weights.sha256) {
    throw new RfsqError('INVALID_DATA', `${weightsFile}: sha256 differs from ${jsonFile} field "weights.sha256"`, {
      subject: `${jsonFile}#weights.sha256`,
    });
  }
  const byName = new Map(doc.weights.tensors.map((t) => [t.name, t]));
  const tensor = (name: string, n: number): Float32Array => {
    const t = byName.get(name);
    if (!t) throw new RfsqError('MISSING_FIELD', `${jsonFile}: field "weights.tensors" has no "${name}"`, { subject: `${jsonFile}#weights.tensors` });
    if (t.offset + n * 4 > bytes.length) throw new RfsqError('INVALID_DATA', `${weightsFile}: tensor "${name}" runs past the end`, { subject: weightsFile });
    return new Float32Array(bytes.slice(t.offset, t.offset + n * 4).buffer);
  };
  const layers = (side: string): DenseLayer[] => {
    const out: DenseLayer[] = [];
    for (let i = 0; byName.has(`${side}.${i}.weight`); i++) {
      const [inDim, outDim] = byName.get(`${side}.${i}.weight`)!.shape as [number, number];
      out.push({ inDim, outDim, weight: tensor(`${side}.${i}.weight`, inDim * outDim), bias: tensor(`${side}.${i}.bias`, outDim) });
    }
    return out;
  };
  const params: RfsqParams = {
    format: RFSQ_FORMAT,
    config: doc.config,
    actionNormalization: doc.actionNormalization,
    layerScales: doc.layerScales,
    layerShifts: doc.layerShifts,
    encoder: layers('encoder'),
    decoder: layers('decoder'),
  };
  try {
    validateRfsqParams(params, RFSQ_JSON_FILE);
  } catch (cause) {
    throw new RfsqError('INVALID_CONFIG', `${jsonFile}: ${(cause as Error).message}`, { subject: jsonFile, cause });
  }
  const extraTensors = new Map<string, StoredTensor>();
  for (const t of doc.weights.tensors) {
    if (/^(encoder|decoder)\./.test(t.name)) continue;
    extraTensors.set(t.name, { shape: t.shape, data: tensor(t.name, t.shape.reduce((a, b) => a * b, 1)) });
  }
  return { params, json: doc, extraTensors };
}
