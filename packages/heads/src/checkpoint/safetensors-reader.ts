import { HeadsError } from '../errors/heads-error.ts';
import { DTYPE_BYTES, shapeSize } from './checkpoint-tensor.ts';
import type { CheckpointTensor } from './checkpoint-tensor.ts';
import type { ReadCheckpointOptions } from './torch-checkpoint-reader.ts';
import { SAFETENSORS_DTYPES } from './safetensors-dtype.ts';
import { gatherStrided } from './strided-gather.ts';

/** What a `.safetensors` file holds. */
export interface SafetensorsFile {
  readonly fileName: string;
  /** Tensors by name, in the order of their bytes in the file. */
  readonly tensors: ReadonlyMap<string, CheckpointTensor>;
  /** The `__metadata__` string map (empty when absent). */
  readonly metadata: ReadonlyMap<string, string>;
}

const utf8 = new TextDecoder('utf-8', { fatal: true });

function corrupt(fileName: string, detail: string, subject = fileName, cause?: unknown): HeadsError {
  return new HeadsError('CHECKPOINT_CORRUPT', `${fileName}: ${detail}`, { subject, cause });
}

function isIntArray(v: unknown): v is number[] {
  return Array.isArray(v) && v.every((x) => typeof x === 'number' && Number.isSafeInteger(x) && x >= 0);
}

/**
 * Reads a `.safetensors` file: 8-byte little-endian header length, a JSON header, raw
 * little-endian bytes. Every tensor's offsets are validated (in bounds, sized for its dtype and
 * shape, no overlaps or holes). Malformed → HeadsError CHECKPOINT_CORRUPT naming the file (and the
 * tensor in `subject`); dtypes other than F32/F64/F16/BF16/I64/I32/I16/I8/U8/BOOL →
 * UNSUPPORTED_DTYPE naming the tensor.
 */
export function readSafetensors(bytes: Uint8Array, options: ReadCheckpointOptions): SafetensorsFile {
  const { fileName } = options;
  if (!(bytes instanceof Uint8Array)) throw new TypeError('bytes must be a Uint8Array');
  if (typeof fileName !== 'string') throw new TypeError('options.fileName must be a string');
  if (bytes.length < 8) throw corrupt(fileName, `truncated safetensors file (${bytes.length} bytes, no header length)`);
  const headerLength = new DataView(bytes.buffer, bytes.byteOffset, 8).getBigUint64(0, true);
  if (headerLength > BigInt(bytes.length - 8)) {
    throw corrupt(
      fileName,
      `truncated safetensors file (header of ${headerLength} bytes, ${bytes.length - 8} bytes follow)`,
    );
  }
  const bodyStart = 8 + Number(headerLength);
  let header: unknown;
  try {
    header = JSON.parse(utf8.decode(bytes.subarray(8, bodyStart)));
  } catch (error) {
    throw corrupt(fileName, 'safetensors header is not valid UTF-8 JSON', fileName, error);
  }
  if (typeof header !== 'object' || header === null || Array.isArray(header))
    throw corrupt(fileName, 'safetensors header must be a JSON object');
  const body = bytes.subarray(bodyStart);
  const metadata = new Map<string, string>();
  const spans: { name: string; begin: number; end: number; tensor: CheckpointTensor }[] = [];
  for (const [name, entry] of Object.entries(header as Record<string, unknown>)) {
    if (name === '__metadata__') {
      if (typeof entry !== 'object' || entry === null || Array.isArray(entry))
        throw corrupt(fileName, '__metadata__ must be an object');
      for (const [k, v] of Object.entries(entry as Record<string, unknown>)) {
        if (typeof v !== 'string') throw corrupt(fileName, `__metadata__.${k} must be a string`, `__metadata__.${k}`);
        metadata.set(k, v);
      }
      continue;
    }
    const e = entry as { dtype?: unknown; shape?: unknown; data_offsets?: unknown } | null;
    if (typeof e !== 'object' || e === null) throw corrupt(fileName, `tensor "${name}" must be an object`, name);
    if (typeof e.dtype !== 'string') throw corrupt(fileName, `tensor "${name}": dtype must be a string`, name);
    const dtype = SAFETENSORS_DTYPES[e.dtype];
    if (dtype === undefined) {
      throw new HeadsError(
        'UNSUPPORTED_DTYPE',
        `${fileName}: tensor "${name}" has dtype ${e.dtype}, not one of ${Object.keys(SAFETENSORS_DTYPES).join(', ')}`,
        { subject: name },
      );
    }
    if (!isIntArray(e.shape))
      throw corrupt(fileName, `tensor "${name}": shape must be a list of non-negative integers`, name);
    if (!isIntArray(e.data_offsets) || e.data_offsets.length !== 2)
      throw corrupt(fileName, `tensor "${name}": data_offsets must be [begin, end]`, name);
    const [begin, end] = e.data_offsets as [number, number];
    const shape = e.shape;
    const n = shapeSize(shape);
    if (end < begin || end > body.length) {
      throw corrupt(
        fileName,
        `tensor "${name}": data_offsets [${begin}, ${end}] outside the ${body.length}-byte data section`,
        name,
      );
    }
    if (end - begin !== n * DTYPE_BYTES[dtype]) {
      throw corrupt(
        fileName,
        `tensor "${name}": ${end - begin} bytes do not hold ${dtype}[${shape.join(',')}] (${n * DTYPE_BYTES[dtype]} bytes)`,
        name,
      );
    }
    const contiguous = shape.map((_, d) => shapeSize(shape.slice(d + 1)));
    const data = gatherStrided(body.subarray(begin, end), dtype, { offset: 0, shape, stride: contiguous });
    spans.push({ name, begin, end, tensor: { dtype, shape, data } });
  }
  spans.sort((a, b) => a.begin - b.begin || a.end - b.end);
  let cursor = 0;
  for (const s of spans) {
    if (s.begin !== cursor) {
      throw corrupt(
        fileName,
        `tensor "${s.name}" starts at byte ${s.begin}, expected ${cursor} (overlap or hole in the data section)`,
        s.name,
      );
    }
    cursor = s.end;
  }
  if (cursor !== body.length)
    throw corrupt(fileName, `data section has ${body.length - cursor} trailing bytes no tensor uses`);
  return { fileName, tensors: new Map(spans.map((s) => [s.name, s.tensor])), metadata };
}
