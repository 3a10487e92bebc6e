import { mkdir, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { createEmbeddedEnv } from '../embedded/embedded-env.ts';
import { EMBEDDED_SPATIAL, EMBEDDED_SPATIAL_NAME } from '../embedded/embedded-spatial-suite.ts';
import { BridgeError } from '../errors/bridge-error.ts';
import { encodePng } from '../render/encode-png.ts';

export interface RenderOptions {
  readonly task: number;
  readonly init: number;
  readonly out: string;
  /** Square image size. Default 256. */
  readonly size?: number;
  /** Render the wrist camera instead of the agent view. */
  readonly eyeInHand?: boolean;
}

export interface RenderResult {
  readonly path: string;
  readonly task: number;
  readonly init: number;
  readonly instruction: string;
  readonly width: number;
  readonly height: number;
  readonly bytes: number;
}

/** Renders the first observation of (task, initial state) of `embedded_spatial` to a PNG. */
export async function runRender(options: RenderOptions): Promise<RenderResult> {
  const task = EMBEDDED_SPATIAL.tasks[options.task];
  if (task === undefined) throw new BridgeError('UNKNOWN_TASK', `no task ${options.task} in ${EMBEDDED_SPATIAL_NAME}`, { subject: 'task' });
  const size = options.size ?? 256;
  const env = await createEmbeddedEnv({ imageSize: size, eyeInHand: options.eyeInHand ?? false });
  try {
    const obs = await env.reset({ suite: EMBEDDED_SPATIAL_NAME, taskId: options.task, initState: options.init, seed: 0 });
    const image = options.eyeInHand ? obs.eyeInHandRgb : obs.agentviewRgb;
    if (image === undefined) throw new BridgeError('SIMULATION_FAILED', 'the wrist camera produced no image', { subject: 'eyeInHand' });
    const png = encodePng(image);
    await mkdir(dirname(options.out), { recursive: true });
    await writeFile(options.out, png);
    return { path: options.out, task: options.task, init: options.init, instruction: task.instruction, width: image.width, height: image.height, bytes: png.length };
  } finally {
    await env.close();
  }
}
