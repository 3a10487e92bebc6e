import { createHash } from 'node:crypto';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, test } from 'vitest';
import { EvalError } from '@rsd/eval-cli';
import { runTrainDefault, type TrainDefaultDeps } from './run-train-default.ts';
import { SMOKE_CONFIG, type TrainDefaultConfig } from './train-default-config.ts';

// three teacher epochs, two main and two draft epochs and five tokenizer epochs (its statistics freeze
// at epoch 4: a kill lands right at the freeze), so a kill can land between epochs of each; batch 4 for
// ~25 Adam steps per epoch: tfjs's setWeights sets Adam's bias-correction powers to pow(beta, t+1), which
// equals the accumulated product for the first few steps only (beta1 = 0.9 differs from t = 8 on)
const CONFIG: TrainDefaultConfig = {
  ...SMOKE_CONFIG,
  teacher: { ...SMOKE_CONFIG.teacher, epochs: 3, batchSize: 4, select: { ...SMOKE_CONFIG.teacher.select, epochs: [2] } },
  mainEpochs: 2,
  draftEpochs: 2,
  headsBatchSize: 4,
  rfsq: { ...SMOKE_CONFIG.rfsq, epochs: 5 },
};

const dirs: string[] = [];
afterAll(async () => {
  await Promise.all(dirs.map((d) => rm(d, { recursive: true, force: true })));
});

async function onnxHashes(bundle: string): Promise<Record<string, string>> {
  const files = (await readdir(bundle)).filter((f) => f.endsWith('.onnx')).sort();
  return Object.fromEntries(
    await Promise.all(files.map(async (f) => [f, createHash('sha256').update(await readFile(join(bundle, f))).digest('hex')] as const)),
  );
}

class Killed extends Error {}

/** Deps whose interrupt hook throws once at (stage, units), as a kill right there would stop the run. */
function killAt(lines: string[], stage?: string, units?: number): TrainDefaultDeps {
  return {
    log: (l) => lines.push(l),
    interrupt: (s, n) => {
      if (s === stage && n === units) throw new Killed(`killed after ${s} unit ${n}`);
    },
  };
}

describe('runTrainDefault resume (smoke config, 3 teacher epochs)', () => {
  test(
    'a run killed twice in the teacher, in the tokenizer and twice in the heads stage, then resumed, writes the same ONNX bytes as an uninterrupted run',
    { timeout: 240_000 },
    async () => {
      const dir = await mkdtemp(join(tmpdir(), 'train-default-resume-'));
      dirs.push(dir);
      const straight = await runTrainDefault({ config: CONFIG, out: join(dir, 'a') }, killAt([]));
      const expected = await onnxHashes(straight.out);
      expect(Object.keys(expected)).toEqual(['backbone.onnx', 'continuous.onnx', 'draft.onnx', 'main.onnx', 'rfsq_decoder.onnx', 'rfsq_encoder.onnx']);

      const out = join(dir, 'b');
      const kills: [string, number][] = [
        ['teacher', 1],
        ['teacher', 2],
        ['rfsq', 5],
        ['heads', 1],
        ['heads', 3],
      ];
      const logs: string[][] = [];
      for (const [stage, units] of kills) {
        const lines: string[] = [];
        logs.push(lines);
        await expect(runTrainDefault({ config: CONFIG, out }, killAt(lines, stage, units))).rejects.toBeInstanceOf(Killed);
      }
      const lines: string[] = [];
      const resumed = await runTrainDefault({ config: CONFIG, out }, killAt(lines));
      expect(logs[1]).toContain('[train-default] teacher resuming after 1/3 epochs');
      expect(logs[2]).toContain('[train-default] teacher resuming after 2/3 epochs');
      expect(logs[3]).toContain('[train-default] stage rfsq: interrupted before, resuming from its checkpoints');
      expect(logs[4]!.some((l) => l.startsWith('[train-default] stage rfsq: done before, reusing'))).toBe(true);
      expect(lines).toContain('[train-default] stage heads: interrupted before, resuming from its checkpoints');
      expect(resumed.reused).toEqual(['demos', 'teacher', 'select', 'rfsq']);
      expect(await onnxHashes(out)).toEqual(expected);
      // the teacher's per-epoch losses are the uninterrupted run's too
      const losses = (h: readonly { trainL1: number }[]) => h.map((e) => e.trainL1);
      expect(losses(resumed.teacherHistory)).toEqual(losses(straight.teacherHistory));

      // a rerun of a finished run reuses every stage and gives the same bytes
      const again: string[] = [];
      const rerun = await runTrainDefault({ config: CONFIG, out, overwrite: true }, killAt(again));
      expect(rerun.reused).toEqual(['demos', 'teacher', 'select', 'rfsq', 'heads', 'onpolicy-rollouts', 'onpolicy-draft']);
      expect(again.some((l) => l.startsWith('[train-default] stage teacher: done before, reusing'))).toBe(true);
      expect(await onnxHashes(out)).toEqual(expected);
    },
  );

  test('a changed config reruns only the stages that read the changed fields (named in the log); --fresh starts over', { timeout: 180_000 }, async () => {
    const dir = await mkdtemp(join(tmpdir(), 'train-default-resume-'));
    dirs.push(dir);
    const out = join(dir, 'b');
    await runTrainDefault({ config: SMOKE_CONFIG, out }, killAt([]));
    // a heads setting: demos, teacher, its selection and the tokenizer are reused, the heads and what follows rerun
    const headsChanged: TrainDefaultConfig = { ...SMOKE_CONFIG, headsLearningRate: 3e-3 };
    const lines: string[] = [];
    const r1 = await runTrainDefault({ config: headsChanged, out, overwrite: true }, killAt(lines));
    expect(lines[0]).toMatch(/with a changed config \(headsLearningRate: 0\.001 -> 0\.003\); the stages that read these fields rerun/);
    expect(r1.reused).toEqual(['demos', 'teacher', 'select', 'rfsq']);
    // the tokenizer: demos, teacher and selection are reused
    const rfsqChanged: TrainDefaultConfig = { ...headsChanged, rfsq: { ...SMOKE_CONFIG.rfsq, epochs: 3 } };
    const again: string[] = [];
    const r2 = await runTrainDefault({ config: rfsqChanged, out, overwrite: true }, killAt(again));
    expect(again[0]).toMatch(/\(rfsq\.epochs: 2 -> 3\)/);
    expect(r2.reused).toEqual(['demos', 'teacher', 'select']);
    const fresh: string[] = [];
    await expect(runTrainDefault({ config: rfsqChanged, out, overwrite: true, fresh: true }, killAt(fresh, 'demos', 1))).rejects.toBeInstanceOf(Killed);
    expect(fresh[0]).toMatch(/^\[train-default\] --fresh: removed /);
  });

  test('an existing --out is refused before any work unless overwrite', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'train-default-resume-'));
    dirs.push(dir);
    const e = await runTrainDefault({ config: SMOKE_CONFIG, out: dir }, killAt([])).catch((x: unknown) => x);
    expect(EvalError.isInstance(e) && e.subject).toBe('--out');
  });
});
