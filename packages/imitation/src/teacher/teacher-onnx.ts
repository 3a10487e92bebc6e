import { exportBackboneOnnx, exportContinuousHeadOnnx, prependInputAffine } from '@rsd/heads';
import type { TeacherNormalization } from './teacher-dataset.ts';
import type { TeacherModelConfig, TeacherWeights } from './teacher-model.ts';

/**
 * The teacher as two ONNX files: `backbone.onnx` (raw image, hashed instruction and raw
 * proprioception → features [B, F]; the proprio z-score is prepended inside the graph) and
 * `continuous.onnx` (features → chunk [B, C, A] in environment units).
 */
export function exportTeacherOnnx(model: TeacherModelConfig, w: TeacherWeights, n: TeacherNormalization): { backbone: Uint8Array; continuous: Uint8Array } {
  const raw = exportBackboneOnnx(model.backbone, w);
  const backbone = prependInputAffine(
    raw,
    'proprio',
    n.proprioStd.map((s) => 1 / s),
    n.proprioMean.map((m, i) => -m / n.proprioStd[i]!),
  );
  const continuous = exportContinuousHeadOnnx(
    { F: model.backbone.F, C: model.chunk, A: model.actionDim },
    { kernel: w['head.kernel']!, bias: w['head.bias']!, actionMean: n.actionMean, actionStd: n.actionStd },
  );
  return { backbone, continuous };
}
