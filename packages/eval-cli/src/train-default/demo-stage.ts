import { createHash } from 'node:crypto';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { collectDemos, createEmbeddedEnv, EMBEDDED_SPATIAL_TASKS, type DemoEpisode } from '@rsd/libero-bridge';
import { encodeNpy } from '@rsd/rfsq';

/** The demos of one task, in memory, with the instruction they were recorded for. */
export interface TaskDemos {
  readonly taskId: number;
  readonly instruction: string;
  readonly demos: readonly DemoEpisode[];
}

export interface DemoStageResult {
  readonly tasks: readonly TaskDemos[];
  /** One `.npy` file of actions float64 [T, 7] per demo (the RFSQ training data). */
  readonly actionFiles: readonly string[];
  /** sha256 over every demo's actions, images and proprio, in order. */
  readonly sha256: string;
  readonly failures: number;
}

/**
 * Records `perTask` scripted-expert demos of each task from the training initial-state stream
 * of `seed` (disjoint from the 50 evaluation states), rendering the agent view at `imageSize`.
 * Writes each demo's actions as `.npy` into `dir` for RFSQ training.
 */
export async function runDemoStage(
  opts: { tasks: readonly number[]; perTask: number; seed: number; imageSize: number; dir: string },
  log: (line: string) => void,
): Promise<DemoStageResult> {
  await mkdir(opts.dir, { recursive: true });
  const hash = createHash('sha256');
  const tasks: TaskDemos[] = [];
  const actionFiles: string[] = [];
  let failures = 0;
  const env = await createEmbeddedEnv({ imageSize: opts.imageSize, eyeInHand: false, depth: false });
  try {
    for (const taskId of opts.tasks) {
      const task = EMBEDDED_SPATIAL_TASKS[taskId];
      if (task === undefined) throw new RangeError(`tasks: no embedded_spatial task ${taskId}`);
      const demos: DemoEpisode[] = [];
      const r = await collectDemos(env, { taskId, episodes: opts.perTask, seed: opts.seed }, (d) => demos.push(d));
      failures += r.failures;
      for (const [i, d] of demos.entries()) {
        for (const a of [d.actions, d.agentviewRgb, d.eePos, d.gripperStates])
          hash.update(new Uint8Array(a.buffer, a.byteOffset, a.byteLength));
        const file = join(opts.dir, `task${taskId}_demo${i}.npy`);
        await writeFile(file, encodeNpy({ dtype: 'float64', shape: [d.actions.length / 7, 7], data: d.actions }));
        actionFiles.push(file);
      }
      const steps = demos.reduce((s, d) => s + d.actions.length / 7, 0);
      log(`[train-default] demos task ${taskId}: ${demos.length} demos, ${steps} steps, ${r.failures} expert failures`);
      tasks.push({ taskId, instruction: task.instruction, demos });
    }
  } finally {
    await env.close();
  }
  return { tasks, actionFiles, sha256: hash.digest('hex'), failures };
}
