import { OrtBackend } from '@rsd/rsd-engine';
import { PROPRIO_SIZE } from '../train-default-config.ts';
import type { TeacherDataset } from './teacher-dataset.ts';

/**
 * The teacher's features [N, F] and chunks [N, C·A] (environment units) for every sample, computed
 * by the exported ONNX files (exactly what the bundle computes at run time), unaugmented.
 */
export async function teacherFeatures(
  onnx: { backbone: Uint8Array; continuous: Uint8Array },
  data: TeacherDataset,
  spec: { imageSize: number; maxTokens: number; chunk: number; actionDim: number },
  log: (line: string) => void,
): Promise<{ features: Float32Array; chunks: Float32Array }> {
  const ort = new OrtBackend();
  const options = { executionProviders: ['cpu' as const], log };
  const backbone = await ort.createSession('teacher backbone.onnx', onnx.backbone, options);
  const head = await ort.createSession('teacher continuous.onnx', onnx.continuous, options);
  const S = spec.imageSize;
  const CA = spec.chunk * spec.actionDim;
  let F = 0;
  let features = new Float32Array(0);
  const chunks = new Float32Array(data.N * CA);
  try {
    for (let i = 0; i < data.N; i += 256) {
      const n = Math.min(256, data.N - i);
      const f = await backbone.run({
        image: { type: 'uint8', data: data.images.subarray(i * S * S * 3, (i + n) * S * S * 3), dims: [n, S, S, 3] },
        instruction: { type: 'int64', data: BigInt64Array.from(data.instructions.subarray(i * spec.maxTokens, (i + n) * spec.maxTokens), (v) => BigInt(v)), dims: [n, spec.maxTokens] },
        proprio: { type: 'float32', data: data.proprio.subarray(i * PROPRIO_SIZE, (i + n) * PROPRIO_SIZE), dims: [n, PROPRIO_SIZE] },
      });
      const fv = f['features']!;
      if (F === 0) {
        F = Number(fv.dims[1]);
        features = new Float32Array(data.N * F);
      }
      features.set(fv.data as Float32Array, i * F);
      const c = await head.run({ features: fv });
      chunks.set(c['actions']!.data as Float32Array, i * CA);
    }
  } finally {
    await backbone.release();
    await head.release();
  }
  return { features, chunks };
}

