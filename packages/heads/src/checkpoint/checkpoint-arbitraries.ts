import fc from 'fast-check';
import type { CheckpointDType, CheckpointTensor } from './checkpoint-tensor.ts';
import { shapeSize } from './checkpoint-tensor.ts';
import { bfloat16BitsToNumber, float16BitsToNumber } from './half-float.ts';

const DTYPES: CheckpointDType[] = [
  'float32',
  'float64',
  'float16',
  'bfloat16',
  'int64',
  'int32',
  'int16',
  'int8',
  'uint8',
  'bool',
];

/** Arbitrary tensor values of `dtype` with exactly `n` elements, all representable in that dtype. */
function arbData(dtype: CheckpointDType, n: number): fc.Arbitrary<CheckpointTensor['data']> {
  const len = { minLength: n, maxLength: n };
  switch (dtype) {
    case 'float32':
      return fc.float32Array(len);
    case 'float64':
      return fc.float64Array(len);
    case 'float16':
      return fc.array(fc.integer({ min: 0, max: 0xffff }), len).map((b) => Float32Array.from(b, float16BitsToNumber));
    case 'bfloat16':
      return fc.array(fc.integer({ min: 0, max: 0xffff }), len).map((b) => Float32Array.from(b, bfloat16BitsToNumber));
    case 'int64':
      return fc.bigInt64Array(len);
    case 'int32':
      return fc.int32Array(len);
    case 'int16':
      return fc.int16Array(len);
    case 'int8':
      return fc.int8Array(len);
    case 'uint8':
      return fc.uint8Array(len);
    case 'bool':
      return fc.array(fc.boolean(), len).map((b) => Uint8Array.from(b, (x) => (x ? 1 : 0)));
  }
}

/** A small tensor of any supported dtype and rank 0-3 (for reader/writer round trips). */
export function arbCheckpointTensor(): fc.Arbitrary<CheckpointTensor> {
  return fc
    .record({ dtype: fc.constantFrom(...DTYPES), shape: fc.array(fc.integer({ min: 0, max: 4 }), { maxLength: 3 }) })
    .chain(({ dtype, shape }) => arbData(dtype, shapeSize(shape)).map((data) => ({ dtype, shape, data })));
}

/** A small named set of tensors (a state_dict). */
export function arbStateDict(): fc.Arbitrary<Map<string, CheckpointTensor>> {
  return fc
    .uniqueArray(
      fc.tuple(
        fc.string({ minLength: 1, maxLength: 12 }).filter((s) => s !== '__metadata__'),
        arbCheckpointTensor(),
      ),
      {
        maxLength: 5,
        selector: ([name]) => name,
      },
    )
    .map((entries) => new Map(entries));
}
