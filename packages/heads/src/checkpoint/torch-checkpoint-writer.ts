import { zipSync } from 'fflate';
import type { CheckpointDType, CheckpointTensor } from './checkpoint-tensor.ts';
import { shapeSize } from './checkpoint-tensor.ts';
import { isCheckpointTensor } from './checkpoint-value.ts';
import type { CheckpointValue } from './checkpoint-value.ts';
import { encodeTensorBytes } from './tensor-bytes.ts';

const STORAGE_CLASS: Readonly<Record<CheckpointDType, string>> = {
  float32: 'FloatStorage',
  float64: 'DoubleStorage',
  float16: 'HalfStorage',
  bfloat16: 'BFloat16Storage',
  int64: 'LongStorage',
  int32: 'IntStorage',
  int16: 'ShortStorage',
  int8: 'CharStorage',
  uint8: 'ByteStorage',
  bool: 'BoolStorage',
};

const enc = new TextEncoder();

/**
 * Writes a checkpoint the way `torch.save` lays it out (zip of `<archive>/data.pkl`, pickle
 * protocol 2, one `data/<key>` storage per tensor, contiguous) — for tests and fixtures without
 * Python. Dicts whose values are all tensors become `collections.OrderedDict` (a state_dict);
 * other dicts plain dicts; arrays lists; integers int, other numbers float.
 */
export function writeTorchCheckpoint(root: CheckpointValue, options: { archiveName?: string } = {}): Uint8Array {
  const archive = options.archiveName ?? 'archive';
  const out: number[] = [0x80, 2];
  const storages: Uint8Array[] = [];
  const bytes = (...b: number[]) => out.push(...b);
  const u32 = (n: number) => bytes(n & 255, (n >>> 8) & 255, (n >>> 16) & 255, (n >>> 24) & 255);
  const str = (s: string) => {
    const b = enc.encode(s);
    bytes(0x58);
    u32(b.length);
    for (const x of b) out.push(x);
  };
  const global = (module: string, name: string) => out.push(0x63, ...enc.encode(`${module}\n${name}\n`));
  const int = (n: number) => {
    if (n >= -(2 ** 31) && n < 2 ** 31) {
      bytes(0x4a);
      u32(n);
    } else {
      let v = BigInt(n);
      const b: number[] = [];
      for (let i = 0; i < 8; i++, v >>= 8n) b.push(Number(v & 255n));
      bytes(0x8a, 8, ...b);
    }
  };
  const intTuple = (xs: readonly number[]) => {
    bytes(0x28);
    xs.forEach(int);
    bytes(0x74);
  };
  const tensor = (t: CheckpointTensor) => {
    const key = String(storages.length);
    storages.push(encodeTensorBytes(t));
    global('torch._utils', '_rebuild_tensor_v2');
    bytes(0x28, 0x28);
    str('storage');
    global('torch', STORAGE_CLASS[t.dtype]);
    str(key);
    str('cpu');
    int(t.data.length);
    bytes(0x74, 0x51);
    int(0);
    intTuple(t.shape);
    intTuple(t.shape.map((_, d) => shapeSize(t.shape.slice(d + 1))));
    bytes(0x89);
    global('collections', 'OrderedDict');
    bytes(0x29, 0x52, 0x74, 0x52);
  };
  const value = (v: CheckpointValue): void => {
    if (v === null) bytes(0x4e);
    else if (typeof v === 'boolean') bytes(v ? 0x88 : 0x89);
    else if (typeof v === 'bigint') int(Number(v));
    else if (typeof v === 'number') {
      if (Number.isSafeInteger(v)) int(v);
      else {
        bytes(0x47);
        const b = new Uint8Array(8);
        new DataView(b.buffer).setFloat64(0, v, false);
        out.push(...b);
      }
    } else if (typeof v === 'string') str(v);
    else if (v instanceof Uint8Array) {
      bytes(0x42);
      u32(v.length);
      for (const x of v) out.push(x);
    } else if (Array.isArray(v)) {
      bytes(0x5d, 0x28);
      (v as readonly CheckpointValue[]).forEach(value);
      bytes(0x65);
    } else if (v instanceof Map) {
      const ordered = v.size > 0 && [...v.values()].every((x) => isCheckpointTensor(x));
      if (ordered) {
        global('collections', 'OrderedDict');
        bytes(0x29, 0x52);
      } else bytes(0x7d);
      bytes(0x28);
      for (const [k, x] of v) {
        str(k);
        value(x);
      }
      bytes(0x75);
    } else tensor(v as CheckpointTensor);
  };
  value(root);
  bytes(0x2e);
  const files: Record<string, Uint8Array> = {
    [`${archive}/data.pkl`]: Uint8Array.from(out),
    [`${archive}/byteorder`]: enc.encode('little'),
    [`${archive}/version`]: enc.encode('3\n'),
  };
  storages.forEach((s, i) => (files[`${archive}/data/${i}`] = s));
  return zipSync(files, { level: 0 });
}
