import { hashInstruction } from '@rsd/heads';
import { cutActionChunks } from '@rsd/rfsq';
import type { TaskDemos } from '../demo-stage.ts';
import { PROPRIO_SIZE } from '../train-default-config.ts';

/** Per-dimension statistics the teacher is trained in (z-scores); fixed once from the demos. */
export interface TeacherNormalization {
  /** float [A]: mean of every action dimension over all chunk steps. */
  readonly actionMean: readonly number[];
  /** float [A]: its standard deviation, floored at `actionStdFloor`. */
  readonly actionStd: readonly number[];
  /** float [P]: proprioception mean. */
  readonly proprioMean: readonly number[];
  /** float [P]: proprioception standard deviation, floored at 1e-3. */
  readonly proprioStd: readonly number[];
}

/** One sample per demo step: the inputs the teacher sees at step t and the chunk of actions t..t+C−1. */
export interface TeacherDataset {
  readonly N: number;
  readonly imageSize: number;
  /** uint8 [N, S, S, 3], agent view, upright. */
  readonly images: Uint8Array;
  /** int32 [N, maxTokens], hashed instruction words. */
  readonly instructions: Int32Array;
  readonly maxTokens: number;
  /** float32 [N, P]: raw ee_pos ‖ gripper_qpos (the bundle's proprioception). */
  readonly proprio: Float32Array;
  /** float32 [N, C·A]: the expert's chunk in environment units (the last action repeats past a demo's end). */
  readonly chunks: Float32Array;
  readonly chunk: number;
  readonly actionDim: number;
  /** Task id of each sample. */
  readonly taskOf: Int32Array;
}

/** Builds the teacher's dataset from demos (stride 1, every step of every demo). */
export function buildTeacherDataset(
  tasks: readonly TaskDemos[],
  spec: { imageSize: number; vocabSize: number; maxTokens: number; chunk: number; actionDim: number },
): TeacherDataset {
  const { chunk: C, actionDim: A } = spec;
  const S = spec.imageSize;
  const frame = S * S * 3;
  const N = tasks.reduce((s, t) => s + t.demos.reduce((u, d) => u + d.actions.length / A, 0), 0);
  const images = new Uint8Array(N * frame);
  const instructions = new Int32Array(N * spec.maxTokens);
  const proprio = new Float32Array(N * PROPRIO_SIZE);
  const chunks = new Float32Array(N * C * A);
  const taskOf = new Int32Array(N);
  let n = 0;
  for (const task of tasks) {
    const ids = Int32Array.from(hashInstruction(task.instruction, spec), Number);
    for (const d of task.demos) {
      const T = d.actions.length / A;
      if (d.agentviewRgb.length !== T * frame) throw new RangeError(`demo images are not ${S}x${S} (task ${task.taskId})`);
      chunks.set(cutActionChunks(d.actions, T, A, C, 1), n * C * A);
      images.set(d.agentviewRgb, n * frame);
      for (let t = 0; t < T; t++) {
        const i = n + t;
        instructions.set(ids, i * spec.maxTokens);
        proprio.set([d.eePos[t * 3]!, d.eePos[t * 3 + 1]!, d.eePos[t * 3 + 2]!, d.gripperStates[t * 2]!, d.gripperStates[t * 2 + 1]!], i * PROPRIO_SIZE);
        taskOf[i] = task.taskId;
      }
      n += T;
    }
  }
  return { N, imageSize: S, images, instructions, maxTokens: spec.maxTokens, proprio, chunks, chunk: C, actionDim: A, taskOf };
}

/** Mean and floored standard deviation of each column of x [N, W]. */
function columnStats(x: Float32Array, W: number, floor: number): { mean: number[]; std: number[] } {
  const n = x.length / W;
  const mean = new Array<number>(W).fill(0);
  const sq = new Array<number>(W).fill(0);
  for (let i = 0; i < x.length; i++) mean[i % W]! += x[i]!;
  for (let j = 0; j < W; j++) mean[j]! /= n;
  for (let i = 0; i < x.length; i++) sq[i % W]! += (x[i]! - mean[i % W]!) ** 2;
  return { mean, std: sq.map((s) => Math.max(floor, Math.sqrt(s / Math.max(1, n - 1)))) };
}

/** The normalisation of a dataset: action statistics over every chunk step, proprio over every sample. */
export function teacherNormalization(d: TeacherDataset, actionStdFloor: number): TeacherNormalization {
  const a = columnStats(d.chunks, d.actionDim, actionStdFloor);
  const p = columnStats(d.proprio, PROPRIO_SIZE, 1e-3);
  return { actionMean: a.mean, actionStd: a.std, proprioMean: p.mean, proprioStd: p.std };
}

/** x [N, W] with each column z-scored: (x − mean) / std. */
export function zScore(x: Float32Array, mean: readonly number[], std: readonly number[]): Float32Array {
  const W = mean.length;
  const out = new Float32Array(x.length);
  for (let i = 0; i < x.length; i++) out[i] = (x[i]! - mean[i % W]!) / std[i % W]!;
  return out;
}
