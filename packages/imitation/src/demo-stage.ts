import { createHash } from 'node:crypto';
import { access, mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { collectDemos, createEmbeddedEnv, EMBEDDED_SPATIAL_TASKS, type DemoEpisode, type EmbeddedEnv } from '@rsd/libero-bridge';
import { encodeNpy } from '@rsd/rfsq';
import type { ProgressStream } from '@rsd/eval-cli';
import { loadTaskDemos, saveTaskDemos } from './demo-store.ts';
import { StageProgress } from './stage-progress.ts';

/** What training reads of a demo (the rest of a {@link DemoEpisode} is not kept). */
export type TrainingDemo = Pick<DemoEpisode, 'actions' | 'agentviewRgb' | 'eePos' | 'gripperStates'>;

/** The demos of one task, in memory, with the instruction they were recorded for. */
export interface TaskDemos {
  readonly taskId: number;
  readonly instruction: string;
  readonly demos: readonly TrainingDemo[];
}

export interface DemoStageResult {
  readonly tasks: readonly TaskDemos[];
  /** One `.npy` file of actions float64 [T, 7] per demo (the RFSQ training data). */
  readonly actionFiles: readonly string[];
  /** sha256 over every demo's actions, images and proprio, in order. */
  readonly sha256: string;
  readonly failures: number;
}

const exists = (p: string) => access(p).then(() => true, () => false);

/**
 * Records `perTask` scripted-expert demos of each task from the training initial-state stream
 * of `seed` (disjoint from the 50 evaluation states), rendering the agent view at `imageSize`.
 * Writes each demo's actions as `.npy` into `dir` for RFSQ training, and each task's demos as
 * `task<id>.demos.safetensors` once the task is complete; with `resume`, tasks whose file is
 * there are read back instead of recorded again (every demo's seeds depend on task and index only).
 */
export async function runDemoStage(
  opts: { tasks: readonly number[]; perTask: number; seed: number; imageSize: number; dir: string; resume?: boolean },
  log: (line: string) => void,
  stream: ProgressStream = { write: (s) => log(s.replace(/\n$/, '')) },
): Promise<DemoStageResult> {
  await mkdir(opts.dir, { recursive: true });
  const hash = createHash('sha256');
  const tasks: TaskDemos[] = [];
  const actionFiles: string[] = [];
  let failures = 0;
  let env: EmbeddedEnv | undefined;
  const storeOf = (taskId: number) => join(opts.dir, `task${taskId}.demos.safetensors`);
  const reused = opts.resume === true ? await Promise.all(opts.tasks.map((t) => exists(storeOf(t)))) : opts.tasks.map(() => false);
  const progress = new StageProgress(stream, { stage: 'demos', unitName: 'task', total: opts.tasks.length, done: reused.filter(Boolean).length });
  try {
    for (const [ti, taskId] of opts.tasks.entries()) {
      const task = EMBEDDED_SPATIAL_TASKS[taskId];
      if (task === undefined) throw new RangeError(`tasks: no embedded_spatial task ${taskId}`);
      let recorded: TaskDemos & { failures: number };
      if (reused[ti]) {
        recorded = await loadTaskDemos(storeOf(taskId));
      } else {
        env ??= await createEmbeddedEnv({ imageSize: opts.imageSize, eyeInHand: false, depth: false });
        const demos: DemoEpisode[] = [];
        const r = await collectDemos(env, { taskId, episodes: opts.perTask, seed: opts.seed }, (d) => {
          demos.push(d);
          progress.tick(demos.length, opts.perTask, 0);
        });
        recorded = { taskId, instruction: task.instruction, demos, failures: r.failures };
      }
      for (const [i, d] of recorded.demos.entries()) {
        for (const a of [d.actions, d.agentviewRgb, d.eePos, d.gripperStates])
          hash.update(new Uint8Array(a.buffer, a.byteOffset, a.byteLength));
        const file = join(opts.dir, `task${taskId}_demo${i}.npy`);
        if (!reused[ti]) await writeFile(file, encodeNpy({ dtype: 'float64', shape: [d.actions.length / 7, 7], data: d.actions }));
        actionFiles.push(file);
      }
      // the npy files first, the task's file last: its presence means the task is complete
      if (!reused[ti]) await saveTaskDemos(storeOf(taskId), recorded, opts.imageSize);
      failures += recorded.failures;
      const steps = recorded.demos.reduce((s, d) => s + d.actions.length / 7, 0);
      if (reused[ti]) log(`[train-default] demos task ${taskId}: ${recorded.demos.length} demos, ${steps} steps (recorded before, reusing)`);
      else progress.unit(steps, `task ${taskId}: ${recorded.demos.length} demos, ${steps} steps, ${recorded.failures} expert failures`);
      tasks.push({ taskId, instruction: recorded.instruction, demos: recorded.demos });
    }
  } finally {
    await env?.close();
  }
  return { tasks, actionFiles, sha256: hash.digest('hex'), failures };
}
