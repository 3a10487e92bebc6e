import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import * as ort from 'onnxruntime-node';
import { describe, expect, it } from 'vitest';
import { validateHeadsConfig } from '../heads-config.ts';
import type { HeadArch } from '../model/head-parameters.ts';
import { checkpointToOnnx } from './checkpoint-to-onnx.ts';
import { loadCheckpoint } from './load-checkpoint.ts';

/**
 * Golden check against PyTorch itself: `python/make_golden.py` (PyTorch 1.13 from Debian's
 * python3-torch works) writes the reference heads' checkpoints and their outputs on fixed inputs
 * into test/fixtures/golden/ (see its README). Files that are absent are skipped, with the reason.
 */
const DIR = join(import.meta.dirname, '../../test/fixtures/golden');
const present = existsSync(join(DIR, 'io.json'));
const SKIP_REASON = 'golden fixtures absent: run python/make_golden.py with PyTorch to create test/fixtures/golden/';

interface GoldenIO {
  B: number;
  features: number[];
  tokens: number[];
  draft_logits: number[];
  main_logits: number[];
  main_fp16_logits: number[];
}

describe.skipIf(!present)(`golden conversion vs PyTorch${present ? '' : ` (skipped: ${SKIP_REASON})`}`, () => {
  const cases: { file: string; arch: HeadArch; want: keyof GoldenIO; givenConfig: boolean }[] = [
    { file: 'draft.pt', arch: 'draft', want: 'draft_logits', givenConfig: false },
    { file: 'main.pt', arch: 'main', want: 'main_logits', givenConfig: false },
    { file: 'draft.safetensors', arch: 'draft', want: 'draft_logits', givenConfig: false },
    { file: 'main.safetensors', arch: 'main', want: 'main_logits', givenConfig: false },
    { file: 'main_fp16.pt', arch: 'main', want: 'main_fp16_logits', givenConfig: true },
  ];
  for (const c of cases) {
    const skip = !existsSync(join(DIR, c.file));
    it.skipIf(skip)(
      `${c.file} → ONNX matches PyTorch within 1e-4${skip ? ' (skipped: not written, see make_golden.py)' : ''}`,
      async () => {
        const io = JSON.parse(readFileSync(join(DIR, 'io.json'), 'utf8')) as GoldenIO;
        const cfg = validateHeadsConfig(JSON.parse(readFileSync(join(DIR, 'config.json'), 'utf8')), 'config.json');
        const ckpt = await loadCheckpoint(join(DIR, c.file));
        const { onnx, config } = checkpointToOnnx(ckpt, { arch: c.arch, config: c.givenConfig ? cfg : undefined });
        expect(config).toEqual(cfg);
        const session = await ort.InferenceSession.create(onnx);
        const feeds: Record<string, ort.Tensor> = {
          features: new ort.Tensor('float32', Float32Array.from(io.features), [io.B, cfg.F]),
        };
        if (c.arch === 'main')
          feeds.tokens = new ort.Tensor('int64', BigInt64Array.from(io.tokens, BigInt), [io.B, cfg.C, cfg.H, cfg.L]);
        const got = (await session.run(feeds)).logits!.data as Float32Array;
        await session.release();
        const want = io[c.want] as number[];
        expect(got.length).toBe(want.length);
        const worst = Math.max(...want.map((w, i) => Math.abs(got[i]! - w)));
        expect(worst).toBeLessThanOrEqual(1e-4);
      },
    );
  }
});

describe.runIf(!present)('golden conversion vs PyTorch', () => {
  it.skip(SKIP_REASON, () => {});
});
