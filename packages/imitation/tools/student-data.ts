// The student's training data for a teacher/student bundle, computed with the bundle's own ONNX
// files: the teacher's features (backbone.onnx) of every demo step and the RFSQ tokens
// (rfsq_encoder.onnx) of the teacher's chunk (continuous.onnx) or the expert's. Writes
// <out>/features.npy float32 [N, F] and <out>/tokens.npy int32 [N, C, H, L]: the input of
// `npx nx run heads:train --data <out>`, for trying head settings without rerunning the pipeline.
// The demos (the bundle's provenance.config: tasks, demos per task, seed, image size) are read
// from a train-default work folder (<work>/demos, recorded if missing).
// usage: npx tsx --conditions=@rsd/source tools/student-data.ts --bundle <dir> --work <dir> --out <dir> [--targets teacher|expert]
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { encodeNpy } from '@rsd/rfsq';
import { OrtBackend, readBundle } from '@rsd/rsd-engine';
import { runDemoStage } from '../src/demo-stage.ts';
import type { TrainDefaultConfig } from '../src/train-default-config.ts';
import { buildTeacherDataset } from '../src/teacher/teacher-dataset.ts';
import { teacherFeatures } from '../src/teacher/teacher-features.ts';

const { values: v } = parseArgs({
  options: { bundle: { type: 'string' }, work: { type: 'string' }, out: { type: 'string' }, targets: { type: 'string' } },
});
if (v.bundle === undefined || v.work === undefined || v.out === undefined) throw new Error('--bundle <dir>, --work <dir> and --out <dir> are required');
const targets = v.targets ?? 'teacher';
if (targets !== 'teacher' && targets !== 'expert') throw new Error(`--targets must be teacher or expert, got ${targets}`);
const log = (line: string) => process.stderr.write(`${line}\n`);
const bundleDir = resolve(v.bundle);
const { manifest } = await readBundle(bundleDir);
const { C, A, H, L, F } = manifest.dims;
// the demos and the instruction hashing the bundle was trained with, not today's defaults
const cfg = (manifest.provenance as { config?: TrainDefaultConfig } | undefined)?.config;
if (cfg === undefined) throw new Error(`${bundleDir}/manifest.json has no provenance.config: not a bundle made by imitation:train-default`);
const demos = await runDemoStage({ tasks: cfg.tasks, perTask: cfg.demosPerTask, seed: cfg.seed, imageSize: cfg.imageSize, dir: join(resolve(v.work), 'demos'), resume: true }, log);
const spec = { imageSize: cfg.imageSize, vocabSize: cfg.teacher.backbone.vocabSize, maxTokens: cfg.teacher.backbone.maxTokens, chunk: C, actionDim: A };
const data = buildTeacherDataset(demos.tasks, spec);
const onnx = { backbone: await readFile(join(bundleDir, 'backbone.onnx')), continuous: await readFile(join(bundleDir, 'continuous.onnx')) };
const { features, chunks } = await teacherFeatures(onnx, data, spec, log);
const chunksOf = targets === 'teacher' ? chunks : data.chunks;
const encoder = await new OrtBackend().createSession('rfsq_encoder.onnx', await readFile(join(bundleDir, 'rfsq_encoder.onnx')), { executionProviders: ['cpu'], log });
const tokens = new Int32Array(data.N * C * H * L);
for (let i = 0; i < data.N; i += 1024) {
  const n = Math.min(1024, data.N - i);
  const r = await encoder.run({ actions: { type: 'float32', data: chunksOf.subarray(i * C * A, (i + n) * C * A), dims: [n, C, A] } });
  const t = r['tokens']!.data as BigInt64Array;
  for (let j = 0; j < t.length; j++) tokens[i * C * H * L + j] = Number(t[j]!);
}
await encoder.release();
const out = resolve(v.out);
await mkdir(out, { recursive: true });
await writeFile(join(out, 'features.npy'), encodeNpy({ dtype: 'float32', shape: [data.N, F], data: features }));
await writeFile(join(out, 'tokens.npy'), encodeNpy({ dtype: 'int32', shape: [data.N, C, H, L], data: tokens }));
log(`wrote ${data.N} samples (${targets} targets) to ${out}`);
