import type { CheckpointDType } from './checkpoint-tensor.ts';

/** safetensors dtype names ↔ checkpoint dtypes (the ones this package decodes). */
export const SAFETENSORS_DTYPES: Readonly<Record<string, CheckpointDType>> = {
  F32: 'float32',
  F64: 'float64',
  F16: 'float16',
  BF16: 'bfloat16',
  I64: 'int64',
  I32: 'int32',
  I16: 'int16',
  I8: 'int8',
  U8: 'uint8',
  BOOL: 'bool',
};

/** The safetensors name of a checkpoint dtype (`float32` → `F32`). */
export function safetensorsDTypeName(dtype: CheckpointDType): string {
  for (const [name, d] of Object.entries(SAFETENSORS_DTYPES)) if (d === dtype) return name;
  throw new RangeError(`dtype ${dtype as string} has no safetensors name`);
}
