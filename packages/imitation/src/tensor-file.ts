import { readFile } from 'node:fs/promises';
import { readSafetensors, writeSafetensors, type CheckpointTensor } from '@rsd/heads';
import { sha256, writeFileAtomic } from './train-work-dir.ts';

/** Writes named tensors and string metadata as one `.safetensors` file, atomically; returns its sha256. */
export async function saveTensorFile(
  path: string,
  tensors: ReadonlyMap<string, CheckpointTensor>,
  metadata: Readonly<Record<string, string>>,
): Promise<string> {
  const bytes = writeSafetensors(tensors, new Map(Object.entries(metadata)));
  await writeFileAtomic(path, bytes);
  return sha256(bytes);
}

/** Reads a file written by {@link saveTensorFile}; `format` must match its `format` metadata. */
export async function loadTensorFile(
  path: string,
  format: string,
): Promise<{ tensors: ReadonlyMap<string, CheckpointTensor>; meta: (key: string) => string }> {
  const file = readSafetensors(new Uint8Array(await readFile(path)), { fileName: path });
  const meta = (key: string) => {
    const v = file.metadata.get(key);
    if (v === undefined) throw new RangeError(`${path}: metadata "${key}" is missing (not a ${format} file?)`);
    return v;
  };
  if (meta('format') !== format) throw new RangeError(`${path}: format "${meta('format')}", expected "${format}"`);
  return { tensors: file.tensors, meta };
}
