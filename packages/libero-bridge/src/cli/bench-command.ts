import { loadavg } from 'node:os';
import { createEmbeddedEnv } from '../embedded/embedded-env.ts';
import { fixedInitState } from '../embedded/init-states.ts';
import { loadMujocoModule } from '../embedded/mujoco-runtime.ts';
import { RayCamera } from '../embedded/ray-camera.ts';
import { CAMERA } from '../embedded/scene-xml.ts';
import { SpatialScene } from '../embedded/spatial-scene.ts';
import { EMBEDDED_SPATIAL_NAME } from '../embedded/embedded-spatial-suite.ts';
import { CONTROL } from '../embedded/hand-control.ts';
import { mixSeed } from '../embedded/prng.ts';
import { runRollouts, type RolloutJob } from '../embedded/rollout.ts';
import { runTimedRolloutsInWorker } from '../embedded/run-rollouts-in-worker.ts';

export interface BenchOptions {
  /** Episodes per measurement (physics-only runs; image runs use a quarter). Default 20. */
  readonly episodes?: number;
  /** Frames per render-size measurement. Default 30. */
  readonly frames?: number;
  /** Resets for the memory check. Default 1000. */
  readonly resets?: number;
}

export interface BenchResult {
  readonly mujoco: string;
  readonly loadAverage: number;
  readonly physics: { readonly substepsPerSecond: number; readonly controlStepsPerSecond: number; readonly substepsPerControlStep: number };
  readonly episodesPerSecond: { readonly physicsOnly: number; readonly withImages128: number; readonly meanSteps: number };
  readonly renderMsPerFrame: Record<'64' | '128' | '256', number>;
  readonly workers: { readonly oneThread: number; readonly twoThreads: number; readonly speedup: number };
  readonly memory: { readonly resets: number; readonly heapBytesBefore: number; readonly heapBytesAfter: number };
}

export interface BenchDeps {
  readonly now?: () => number;
  readonly log?: (line: string) => void;
}

const OBJ_CAMERA = 7;

function jobs(n: number, offset: number): RolloutJob[] {
  return Array.from({ length: n }, (_, i) => ({ taskId: i % 10, initState: (offset + i) % 50, expertSeed: mixSeed(0xbe, i) }));
}

/** Measures the embedded backend: physics, episodes with and without images, render cost, worker scaling, memory. */
export async function runBench(options: BenchOptions = {}, deps: BenchDeps = {}): Promise<BenchResult> {
  const now = deps.now ?? (() => performance.now());
  const log = deps.log ?? (() => undefined);
  const n = options.episodes ?? 20;
  const frames = options.frames ?? 30;
  const resets = options.resets ?? 1000;

  log('warm-up (WebAssembly tier-up)…');
  await runRollouts(jobs(6, 40));

  log(`physics only: ${n} expert episodes…`);
  let t = now();
  const phys = await runRollouts(jobs(n, 0));
  const physSeconds = (now() - t) / 1000;
  const steps = phys.reduce((s, r) => s + r.steps, 0);

  const imageEpisodes = Math.max(2, Math.round(n / 4));
  log(`with 128x128 images: ${imageEpisodes} expert episodes…`);
  t = now();
  await runRollouts(jobs(imageEpisodes, 0), { imageSize: 128 });
  const imageSeconds = (now() - t) / 1000;

  const renderMs = {} as Record<'64' | '128' | '256', number>;
  const scene = SpatialScene.create(await loadMujocoModule());
  try {
    scene.reset(fixedInitState(4, 0));
    const cameraId = scene.sim.id(OBJ_CAMERA, CAMERA.agentview);
    for (const size of [64, 128, 256] as const) {
      const camera = new RayCamera(scene.sim, { cameraId, width: size, height: size });
      for (let i = 0; i < 10; i++) camera.render();
      t = now();
      for (let i = 0; i < frames; i++) camera.render();
      renderMs[String(size) as '64' | '128' | '256'] = (now() - t) / frames;
      log(`render ${size}x${size}: ${renderMs[String(size) as '64']?.toFixed(1)} ms/frame`);
    }
  } finally {
    scene.dispose();
  }

  log(`worker threads: ${n} episodes on 1 thread, then on 2 (each after a warm-up)…`);
  const work = jobs(n, 10);
  const warm = jobs(6, 40);
  const single = await runTimedRolloutsInWorker(work, {}, warm);
  const one = n / single.seconds;
  const halves = await Promise.all([
    runTimedRolloutsInWorker(work.filter((_, i) => i % 2 === 0), {}, warm),
    runTimedRolloutsInWorker(work.filter((_, i) => i % 2 === 1), {}, warm),
  ]);
  const two = n / Math.max(...halves.map((h) => h.seconds));

  log(`memory: ${resets} resets…`);
  const env = await createEmbeddedEnv({ imageSize: 64 });
  let before = 0;
  let after = 0;
  try {
    for (let i = 0; i < 20; i++) await env.reset({ suite: EMBEDDED_SPATIAL_NAME, taskId: i % 10, initState: i, seed: 0 });
    before = env.heapBytes();
    for (let i = 0; i < resets; i++) await env.reset({ suite: EMBEDDED_SPATIAL_NAME, taskId: i % 10, initState: i % 50, seed: i });
    after = env.heapBytes();
  } finally {
    await env.close();
  }
  const mj = await loadMujocoModule();
  return {
    mujoco: mj.mj_versionString(),
    loadAverage: loadavg()[0] ?? 0,
    physics: {
      substepsPerSecond: (steps * CONTROL.substeps) / physSeconds,
      controlStepsPerSecond: steps / physSeconds,
      substepsPerControlStep: CONTROL.substeps,
    },
    episodesPerSecond: { physicsOnly: n / physSeconds, withImages128: imageEpisodes / imageSeconds, meanSteps: steps / n },
    renderMsPerFrame: renderMs,
    workers: { oneThread: one, twoThreads: two, speedup: two / one },
    memory: { resets, heapBytesBefore: before, heapBytesAfter: after },
  };
}
