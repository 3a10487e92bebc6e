import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { randomRfsqParams } from '../testing/random-rfsq-params.ts';
import { loadRfsqParams, RFSQ_JSON_FILE, RFSQ_WEIGHTS_FILE, serializeRfsqParams } from './rfsq-json.ts';

function save(extra: Record<string, unknown> = {}) {
  const params = randomRfsqParams({ C: 3, A: 2, H: 2, L: 4, K: 5, variant: 'robust', hidden: [6, 5] }, 8);
  const dir = mkdtempSync(join(tmpdir(), 'rfsq-json-'));
  const { json, weights } = serializeRfsqParams(params, extra);
  writeFileSync(join(dir, RFSQ_JSON_FILE), json);
  writeFileSync(join(dir, RFSQ_WEIGHTS_FILE), weights);
  return { params, dir, weights };
}

describe('rfsq.json', () => {
  it('round-trips params exactly and keeps extra fields', () => {
    const { params, dir } = save({ training: { epochs: 4 } });
    const loaded = loadRfsqParams(dir);
    expect(loaded.params).toEqual(params);
    expect(loaded.json.training).toEqual({ epochs: 4 });
  });

  it('refuses weights whose hash differs, naming the field', () => {
    const { dir, weights } = save();
    weights[0] = weights[0]! ^ 1;
    writeFileSync(join(dir, RFSQ_WEIGHTS_FILE), weights);
    expect(() => loadRfsqParams(dir)).toThrowError(/rfsq_weights\.bin: sha256 differs from .*rfsq\.json field "weights\.sha256"/);
  });
});
