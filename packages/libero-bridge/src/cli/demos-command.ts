import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { collectDemos } from '../demos/collect-demos.ts';
import { demoLength } from '../demos/demo-episode.ts';
import { DemoFileWriter } from '../demos/demo-file-writer.ts';
import { createEmbeddedEnv } from '../embedded/embedded-env.ts';
import { EMBEDDED_SPATIAL, EMBEDDED_SPATIAL_NAME } from '../embedded/embedded-spatial-suite.ts';
import { CONTROL } from '../embedded/hand-control.ts';
import { runModuleWorker } from '../embedded/spawn-module-worker.ts';
import { BridgeError } from '../errors/bridge-error.ts';

export interface DemosOptions {
  readonly suite: string;
  readonly episodes: number;
  readonly out: string;
  readonly seed?: number;
  readonly initOffset?: number;
  readonly imageSize?: number;
  readonly eyeInHand?: boolean;
  /** Task ids to record. Default: all ten. */
  readonly tasks?: readonly number[];
  /** Worker threads, tasks dealt round-robin (each writes its own files). Default 1. */
  readonly workers?: number;
}

export interface DemosResult {
  readonly suite: string;
  readonly files: readonly { taskId: number; path: string; demos: number; total: number; failures: number; draws: number }[];
}

export interface DemosDeps {
  readonly log?: (line: string) => void;
}

/** Records scripted-expert demonstrations, one LIBERO-layout HDF5 file per task (`<problem_name>_demo.hdf5`). */
export async function runDemos(options: DemosOptions, deps: DemosDeps = {}): Promise<DemosResult> {
  if (options.suite !== EMBEDDED_SPATIAL_NAME) {
    throw new BridgeError('UNKNOWN_SUITE', `demos can be recorded for ${EMBEDDED_SPATIAL_NAME} only, not ${options.suite}`, { subject: 'suite' });
  }
  if (!Number.isInteger(options.episodes) || options.episodes < 1) throw new RangeError(`episodes must be a positive integer, got ${options.episodes}`);
  const tasks = options.tasks ?? EMBEDDED_SPATIAL.tasks.map((t) => t.id);
  for (const t of tasks) {
    if (EMBEDDED_SPATIAL.tasks[t] === undefined) throw new BridgeError('UNKNOWN_TASK', `no task ${t} in ${EMBEDDED_SPATIAL_NAME}`, { subject: 'tasks' });
  }
  const workers = options.workers ?? 1;
  if (!Number.isInteger(workers) || workers < 1 || workers > 16) throw new RangeError(`workers must be in [1, 16], got ${workers}`);
  if (workers > 1 && tasks.length > 1) {
    const shards = Array.from({ length: Math.min(workers, tasks.length) }, (_, w) => tasks.filter((_, i) => i % workers === w));
    const parts = await Promise.all(
      shards.map((shard) => runModuleWorker<DemosResult>(import.meta.url, '../demos/demos-worker', { options: { ...options, tasks: shard } })),
    );
    const files = parts.flatMap((p) => p.files).sort((a, b) => tasks.indexOf(a.taskId) - tasks.indexOf(b.taskId));
    for (const f of files) deps.log?.(`task ${f.taskId}: ${f.demos} demos, ${f.total} steps, ${f.failures} expert failures → ${f.path}`);
    return { suite: EMBEDDED_SPATIAL_NAME, files };
  }
  const size = options.imageSize ?? 128;
  await mkdir(options.out, { recursive: true });
  const env = await createEmbeddedEnv({ imageSize: size, eyeInHand: options.eyeInHand ?? false });
  const files: DemosResult['files'][number][] = [];
  try {
    for (const taskId of tasks) {
      const task = EMBEDDED_SPATIAL.tasks[taskId]!;
      const path = join(options.out, `${task.name}_demo.hdf5`);
      const writer = await DemoFileWriter.create(path, {
        problemInfo: { problem_name: task.name, domain_name: EMBEDDED_SPATIAL_NAME, language_instruction: task.instruction },
        envArgs: {
          type: 1,
          env_name: 'EmbeddedSpatial',
          problem_name: task.name,
          bddl_file: `${EMBEDDED_SPATIAL_NAME}/${task.name}`,
          env_kwargs: {
            backend: 'embedded',
            task_id: taskId,
            control_freq: EMBEDDED_SPATIAL.controlHz,
            camera_heights: size,
            camera_widths: size,
            metres_per_action_unit: CONTROL.metresPerUnit,
            radians_per_action_unit: CONTROL.radiansPerUnit,
            seed: options.seed ?? 0,
            init_offset: options.initOffset ?? 0,
          },
        },
        bddlFileName: `${EMBEDDED_SPATIAL_NAME}/${task.name}`,
      });
      let total = 0;
      let stats;
      try {
        stats = await collectDemos(env, { taskId, episodes: options.episodes, seed: options.seed ?? 0, initOffset: options.initOffset ?? 0 }, (demo) => {
          writer.add(demo, { height: size, width: size, stateDim: demo.states.length / demoLength(demo) });
          total += demoLength(demo);
        });
      } finally {
        writer.close();
      }
      files.push({ taskId, path, demos: stats.demos, total, failures: stats.failures, draws: stats.draws });
      deps.log?.(`task ${taskId}: ${stats.demos} demos, ${total} steps, ${stats.failures} expert failures → ${path}`);
    }
  } finally {
    await env.close();
  }
  return { suite: EMBEDDED_SPATIAL_NAME, files };
}
