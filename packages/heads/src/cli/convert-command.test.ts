import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as ort from 'onnxruntime-node';
import { describe, expect, it } from 'vitest';
import type { HeadsConfig } from '../heads-config.ts';
import { headParameterSpecs } from '../model/head-parameters.ts';
import { draftForward } from '../model/draft-forward.ts';
import { randomHeadWeights } from '../testing/random-head-weights.ts';
import type { CheckpointTensor } from '../checkpoint/checkpoint-tensor.ts';
import { writeTorchCheckpoint } from '../checkpoint/torch-checkpoint-writer.ts';
import { parseConvertArgs, runConvert } from './convert-command.ts';
import { userPath } from './user-path.ts';

const CFG: HeadsConfig = {
  F: 4,
  C: 2,
  H: 2,
  L: 3,
  K: 3,
  draftLayers: 2,
  mainWidth: 5,
  mainDepth: 2,
  draftWidth: 3,
  draftDepth: 1,
};
const FIXTURES = join(import.meta.dirname, '../../test/fixtures/pytorch');

describe('parseConvertArgs', () => {
  it('requires --in, --arch and --out and checks --arch', () => {
    expect(() => parseConvertArgs(['--arch', 'main', '--out', 'x.onnx'])).toThrow(/--in/);
    expect(() => parseConvertArgs(['--in', 'a.pt', '--arch', 'both', '--out', 'x.onnx'])).toThrow(RangeError);
    expect(parseConvertArgs(['--help']).help).toBe(true);
    const { options, json } = parseConvertArgs([
      '--in',
      'a.pt',
      '--arch',
      'draft',
      '--out',
      'x.onnx',
      '--key',
      'ema',
      '--json',
    ]);
    expect(options).toMatchObject({ in: userPath('a.pt'), arch: 'draft', out: userPath('x.onnx'), key: 'ema' });
    expect(json).toBe(true);
  });
});

describe('runConvert', () => {
  it('converts a draft head whose state_dict sits under a key, config from a partial file', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'rsd-convert-'));
    const w = randomHeadWeights(CFG, 7).draft;
    const sd = new Map<string, CheckpointTensor>(
      headParameterSpecs(CFG, 'draft').map((s) => [
        `draft.${s.name}`,
        { dtype: 'float32', shape: s.shape, data: w[s.name]! },
      ]),
    );
    writeFileSync(
      join(dir, 'ckpt.pt'),
      writeTorchCheckpoint(
        new Map<string, never>([
          ['heads', sd as never],
          ['step', 100 as never],
        ]),
      ),
    );
    const { C, H, L, K, draftLayers, mainWidth, mainDepth } = CFG;
    writeFileSync(join(dir, 'cfg.json'), JSON.stringify({ C, H, L, K, draftLayers, mainWidth, mainDepth, lr: 0.001 }));
    const lines: string[] = [];
    const result = await runConvert(
      {
        in: join(dir, 'ckpt.pt'),
        arch: 'draft',
        out: join(dir, 'out/draft.onnx'),
        config: join(dir, 'cfg.json'),
        prefix: 'draft.',
      },
      { log: (l) => lines.push(l) },
    );
    expect(result).toMatchObject({
      arch: 'draft',
      format: 'pytorch',
      stateDictKey: 'heads',
      config: CFG,
      configSources: ['given', 'shapes'],
    });
    expect(lines.join('\n')).toContain('ckpt.pt');
    const session = await ort.InferenceSession.create(readFileSync(result.out));
    const features = Float32Array.from({ length: CFG.F }, (_, i) => i / 3 - 0.5);
    const out = await session.run({ features: new ort.Tensor('float32', features, [1, CFG.F]) });
    await session.release();
    const want = draftForward(CFG, w, features, 1);
    expect(out.logits!.dims).toEqual([1, CFG.C, CFG.H, CFG.draftLayers, CFG.K]);
    (out.logits!.data as Float32Array).forEach((v, i) => expect(v).toBeCloseTo(want[i]!, 5));
  });

  it('refuses the malicious fixture and a checkpoint of another model, naming the global / parameter', async () => {
    const out = join(mkdtempSync(join(tmpdir(), 'rsd-convert-')), 'x.onnx');
    await expect(runConvert({ in: join(FIXTURES, 'malicious.pt'), arch: 'main', out })).rejects.toMatchObject({
      code: 'CHECKPOINT_UNSAFE',
      subject: 'posix.system',
    });
    await expect(runConvert({ in: join(FIXTURES, 'state_dict.pt'), arch: 'main', out })).rejects.toMatchObject({
      code: 'CHECKPOINT_MISMATCH',
      subject: 'in_features.weight',
    });
  });
});
