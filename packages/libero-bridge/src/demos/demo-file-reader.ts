import type h5wasm from 'h5wasm/node';
import { h5wasmLoaded } from './h5wasm-module.ts';
import { BridgeError } from '../errors/bridge-error.ts';
import type { DemoEpisode } from './demo-episode.ts';
import { openHdf5 } from './demo-file-writer.ts';

type H5Group = InstanceType<typeof h5wasm.Group>;

/** A demonstration file read back: the `data` attributes and every `demo_N` in index order. */
export interface DemoFile {
  readonly envArgs: Record<string, unknown>;
  readonly problemInfo: { problem_name: string; domain_name: string; language_instruction: string };
  readonly numDemos: number;
  readonly total: number;
  readonly imageConvention: string;
  readonly height: number;
  readonly width: number;
  readonly demos: readonly DemoEpisode[];
}

function attr(group: H5Group, name: string, path: string): unknown {
  const a = group.attrs[name];
  if (a === undefined) throw new BridgeError('IO_ERROR', `${path} has no attribute ${name}`, { subject: `${path}@${name}` });
  const v = a.value;
  return typeof v === 'bigint' ? Number(v) : ArrayBuffer.isView(v) && 'length' in v && (v as ArrayLike<unknown>).length === 1 ? Number((v as ArrayLike<number | bigint>)[0]) : v;
}

function dataset(group: H5Group, name: string, path: string): { value: unknown; shape: number[] } {
  const d = group.get(name);
  if (!(d instanceof h5wasmLoaded().Dataset)) throw new BridgeError('IO_ERROR', `${path}/${name} is missing or not a dataset`, { subject: `${path}/${name}` });
  return { value: d.value, shape: (d.shape ?? []).map(Number) };
}

function f64(group: H5Group, name: string, path: string): Float64Array {
  const { value } = dataset(group, name, path);
  if (!(value instanceof Float64Array)) throw new BridgeError('IO_ERROR', `${path}/${name} must be float64`, { subject: `${path}/${name}` });
  return value;
}

function u8(group: H5Group, name: string, path: string): Uint8Array {
  const { value } = dataset(group, name, path);
  if (!(value instanceof Uint8Array)) throw new BridgeError('IO_ERROR', `${path}/${name} must be uint8`, { subject: `${path}/${name}` });
  return value;
}

/** Reads a demonstration file in LIBERO's layout (as written by `DemoFileWriter`, or by LIBERO). */
export async function readDemoFile(path: string): Promise<DemoFile> {
  const file = await openHdf5(path, 'r');
  try {
    const data = file.get('data');
    if (!(data instanceof h5wasmLoaded().Group)) throw new BridgeError('IO_ERROR', `${path} has no group data`, { subject: `${path}:data` });
    const names = data
      .keys()
      .filter((k) => /^demo_\d+$/.test(k))
      .sort((a, b) => Number(a.slice(5)) - Number(b.slice(5)));
    let height = 0;
    let width = 0;
    const demos = names.map((name): DemoEpisode => {
      const p = `data/${name}`;
      const g = data.get(name);
      const obs = data.get(`${name}/obs`);
      if (!(g instanceof h5wasmLoaded().Group) || !(obs instanceof h5wasmLoaded().Group)) throw new BridgeError('IO_ERROR', `${p} or ${p}/obs is not a group`, { subject: p });
      const img = dataset(obs, 'agentview_rgb', `${p}/obs`);
      height = img.shape[1] ?? 0;
      width = img.shape[2] ?? 0;
      const robot = f64(g, 'robot_states', p);
      const T = robot.length / 9;
      const eeQuat = new Float64Array(T * 4);
      for (let t = 0; t < T; t++) eeQuat.set(robot.subarray(9 * t + 5, 9 * t + 9), 4 * t);
      const eye = obs.keys().includes('eye_in_hand_rgb') ? u8(obs, 'eye_in_hand_rgb', `${p}/obs`) : undefined;
      return {
        actions: f64(g, 'actions', p),
        agentviewRgb: u8(obs, 'agentview_rgb', `${p}/obs`),
        ...(eye ? { eyeInHandRgb: eye } : {}),
        eePos: f64(obs, 'ee_pos', `${p}/obs`),
        eeOri: f64(obs, 'ee_ori', `${p}/obs`),
        eeQuat,
        gripperStates: f64(obs, 'gripper_states', `${p}/obs`),
        states: f64(g, 'states', p),
        rewards: u8(g, 'rewards', p),
        dones: u8(g, 'dones', p),
        initOrigin: String(g.attrs['init_origin']?.value ?? ''),
        expertSeed: Number(g.attrs['expert_seed']?.value ?? -1),
      };
    });
    return {
      envArgs: JSON.parse(String(attr(data, 'env_args', 'data'))) as Record<string, unknown>,
      problemInfo: JSON.parse(String(attr(data, 'problem_info', 'data'))) as DemoFile['problemInfo'],
      numDemos: Number(attr(data, 'num_demos', 'data')),
      total: Number(attr(data, 'total', 'data')),
      imageConvention: String(attr(data, 'macros_image_convention', 'data')),
      height,
      width,
      demos,
    };
  } finally {
    file.close();
  }
}
