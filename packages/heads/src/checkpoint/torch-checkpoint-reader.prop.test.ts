import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fc, test } from '@fast-check/vitest';
import { describe, expect } from 'vitest';
import { HeadsError } from '../errors/heads-error.ts';
import { parseCheckpoint } from './load-checkpoint.ts';
import { readTorchCheckpoint } from './torch-checkpoint-reader.ts';

const DIR = join(import.meta.dirname, '../../test/fixtures/pytorch');
const tricky = new Uint8Array(readFileSync(join(DIR, 'tricky_storage.pt')));
// The pickle of tricky_storage.pt starts right after its local header; flips there reach the VM.
const pklStart = tricky.indexOf(0x80, 30);

function readOrRefuse(bytes: Uint8Array): void {
  try {
    readTorchCheckpoint(bytes, { fileName: 'fuzz.pt' });
  } catch (error) {
    expect(HeadsError.isInstance(error), `not a HeadsError: ${String(error)}`).toBe(true);
    expect((error as HeadsError).message).toContain('fuzz.pt');
  }
}

describe('readTorchCheckpoint never crashes', () => {
  test.prop([fc.uint8Array({ maxLength: 512 })])('random bytes are refused with a HeadsError', (bytes) => {
    expect(() => parseCheckpoint(bytes, 'random.bin')).toThrow(HeadsError);
    readOrRefuse(Uint8Array.of(0x50, 0x4b, 3, 4, ...bytes));
  });

  test.prop([fc.integer({ min: 0, max: tricky.length - 1 })])('every truncation is refused naming the file', (n) => {
    expect(() => readTorchCheckpoint(tricky.subarray(0, n), { fileName: 'fuzz.pt' })).toThrow(/fuzz\.pt/);
  });

  test.prop([
    fc.array(fc.tuple(fc.integer({ min: 0, max: 693 }), fc.nat({ max: 255 })), { minLength: 1, maxLength: 4 }),
  ])('byte changes inside the pickle are decoded or refused with a HeadsError', (changes) => {
    const bytes = tricky.slice();
    for (const [at, v] of changes) bytes[pklStart + at] = v;
    readOrRefuse(bytes);
  });
});
