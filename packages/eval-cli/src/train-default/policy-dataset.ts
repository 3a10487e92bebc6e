import { hashInstruction } from '@rsd/heads';
import { cutActionChunks, type RfsqTokenizer } from '@rsd/rfsq';
import { PROPRIO_SIZE } from './train-default-config.ts';
import type { TaskDemos } from './demo-stage.ts';
import type { DaggerSamples } from './dagger-rollouts.ts';

/** One sample per demo step: what the policy saw at step t and the tokens of actions t..t+C−1. */
export interface PolicyDataset {
  readonly N: number;
  readonly imageSize: number;
  /** uint8 [N, S, S, 3], agent view, upright. */
  readonly images: Uint8Array;
  /** int32 [N, maxTokens], hashed instruction words (0 = padding). */
  readonly instructions: Int32Array;
  readonly maxTokens: number;
  /** float32 [N, 5]: ee_pos ‖ gripper_qpos. */
  readonly proprio: Float32Array;
  /** int32 [N, C, H, L]: RFSQ tokens of the next C actions (the last action repeats past the end). */
  readonly tokens: Int32Array;
  /** Task id of each sample. */
  readonly taskOf: Int32Array;
}

/**
 * Builds the policy dataset from demos: each step t of each demo gives the agent-view frame,
 * hashed instruction, proprio and the RFSQ tokens of chunk t (stride 1, padded with the last
 * action as `cutActionChunks` does).
 */
export function buildPolicyDataset(
  tasks: readonly TaskDemos[],
  tokenizer: RfsqTokenizer,
  spec: { imageSize: number; vocabSize: number; maxTokens: number },
): PolicyDataset {
  const { C, A, H, L } = tokenizer.params.config;
  const S = spec.imageSize;
  const frame = S * S * 3;
  const N = tasks.reduce((s, t) => s + t.demos.reduce((u, d) => u + d.actions.length / A, 0), 0);
  const images = new Uint8Array(N * frame);
  const instructions = new Int32Array(N * spec.maxTokens);
  const proprio = new Float32Array(N * PROPRIO_SIZE);
  const tokens = new Int32Array(N * C * H * L);
  const taskOf = new Int32Array(N);
  let n = 0;
  for (const task of tasks) {
    const ids = Int32Array.from(hashInstruction(task.instruction, spec), Number);
    for (const d of task.demos) {
      const T = d.actions.length / A;
      if (d.agentviewRgb.length !== T * frame)
        throw new RangeError(`demo images are not ${S}x${S} (task ${task.taskId})`);
      const chunks = cutActionChunks(d.actions, T, A, C, 1);
      tokens.set(tokenizer.encode(chunks), n * C * H * L);
      images.set(d.agentviewRgb, n * frame);
      for (let t = 0; t < T; t++) {
        const i = n + t;
        instructions.set(ids, i * spec.maxTokens);
        proprio.set(
          [
            d.eePos[t * 3]!,
            d.eePos[t * 3 + 1]!,
            d.eePos[t * 3 + 2]!,
            d.gripperStates[t * 2]!,
            d.gripperStates[t * 2 + 1]!,
          ],
          i * PROPRIO_SIZE,
        );
        taskOf[i] = task.taskId;
      }
      n += T;
    }
  }
  return { N, imageSize: S, images, instructions, maxTokens: spec.maxTokens, proprio, tokens, taskOf };
}

/**
 * The dataset with DAgger samples appended (after the demos' samples, in order): each visited
 * state's view and proprio, the instruction of its task, and the RFSQ tokens of the expert's
 * chunk from there.
 */
export function appendDaggerSamples(
  base: PolicyDataset,
  rounds: readonly DaggerSamples[],
  tokenizer: RfsqTokenizer,
  instructionOf: (taskId: number) => string,
  spec: { vocabSize: number; maxTokens: number },
): PolicyDataset {
  const { C, H, L } = tokenizer.params.config;
  const S = base.imageSize;
  const frame = S * S * 3;
  const extra = rounds.reduce((s, r) => s + r.N, 0);
  const N = base.N + extra;
  const images = new Uint8Array(N * frame);
  const instructions = new Int32Array(N * base.maxTokens);
  const proprio = new Float32Array(N * PROPRIO_SIZE);
  const tokens = new Int32Array(N * C * H * L);
  const taskOf = new Int32Array(N);
  images.set(base.images);
  instructions.set(base.instructions);
  proprio.set(base.proprio);
  tokens.set(base.tokens);
  taskOf.set(base.taskOf);
  const ids = new Map<number, Int32Array>();
  let n = base.N;
  for (const [ri, r] of rounds.entries()) {
    if (r.imageSize !== S) throw new RangeError(`DAgger round ${ri + 1}: images are ${r.imageSize}x${r.imageSize}, the dataset's ${S}x${S}`);
    if (r.chunk !== C) throw new RangeError(`DAgger round ${ri + 1}: chunks of ${r.chunk} steps, the tokenizer's C = ${C}`);
    images.set(r.images, n * frame);
    proprio.set(r.proprio, n * PROPRIO_SIZE);
    tokens.set(tokenizer.encode(r.actions), n * C * H * L);
    for (let i = 0; i < r.N; i++) {
      const t = r.taskOf[i]!;
      if (!ids.has(t)) ids.set(t, Int32Array.from(hashInstruction(instructionOf(t), spec), Number));
      instructions.set(ids.get(t)!, (n + i) * base.maxTokens);
      taskOf[n + i] = t;
    }
    n += r.N;
  }
  return { N, imageSize: S, images, instructions, maxTokens: base.maxTokens, proprio, tokens, taskOf };
}
