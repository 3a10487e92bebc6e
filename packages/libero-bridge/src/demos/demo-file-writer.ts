import type h5wasm from 'h5wasm/node';
import { h5wasmLoaded, loadH5wasm } from './h5wasm-module.ts';
import { BridgeError } from '../errors/bridge-error.ts';
import { demoLength, type DemoEpisode, type DemoShapes } from './demo-episode.ts';

/** What LIBERO stores as the `data` group's attributes (JSON strings as LIBERO writes them). */
export interface DemoFileInfo {
  /** LIBERO's `problem_info`: problem name, domain and the language instruction. */
  readonly problemInfo: { readonly problem_name: string; readonly domain_name: string; readonly language_instruction: string };
  /** LIBERO's `env_args`: environment name and its keyword arguments. */
  readonly envArgs: { readonly type: number; readonly env_name: string; readonly problem_name: string; readonly bddl_file: string; readonly env_kwargs: Record<string, unknown> };
  /** Name of the task definition (LIBERO: the .bddl path); here the suite/task id. */
  readonly bddlFileName: string;
}

async function openFile(path: string, mode: 'w' | 'r'): Promise<InstanceType<typeof h5wasm.File>> {
  const h5 = await loadH5wasm();
  try {
    return new h5.File(path, mode);
  } catch (cause) {
    throw new BridgeError('IO_ERROR', `cannot open HDF5 file ${path} (${mode}): ${String(cause)}`, { cause, subject: path });
  }
}

export { openFile as openHdf5 };

/**
 * Writes demonstrations of one task in LIBERO's layout, one episode at a time:
 * `data` {env_args, problem_info, bddl_file_name, macros_image_convention, num_demos, total},
 * `data/demo_N` {num_samples, init_origin, expert_seed} with `actions`, `states`,
 * `robot_states`, `rewards`, `dones` and `obs/{agentview_rgb, eye_in_hand_rgb, ee_pos, ee_ori,
 * ee_states, gripper_states}`. Images are gzip-chunked per frame.
 */
export class DemoFileWriter {
  private file: InstanceType<typeof h5wasm.File> | undefined;
  private readonly path: string;
  private count = 0;
  private total = 0;

  private constructor(path: string, file: InstanceType<typeof h5wasm.File>) {
    this.path = path;
    this.file = file;
  }

  static async create(path: string, info: DemoFileInfo): Promise<DemoFileWriter> {
    const file = await openFile(path, 'w');
    const data = file.create_group('data');
    data.create_attribute('env_args', JSON.stringify(info.envArgs));
    data.create_attribute('problem_info', JSON.stringify(info.problemInfo));
    data.create_attribute('bddl_file_name', info.bddlFileName);
    data.create_attribute('macros_image_convention', 'opencv');
    return new DemoFileWriter(path, file);
  }

  get demos(): number {
    return this.count;
  }

  add(ep: DemoEpisode, shapes: DemoShapes): void {
    const file = this.file;
    if (file === undefined) throw new BridgeError('IO_ERROR', `demo file ${this.path} is closed`, { subject: this.path });
    const T = demoLength(ep);
    const { height: H, width: W, stateDim: S } = shapes;
    const check = (name: string, got: number, want: number) => {
      if (got !== want) throw new RangeError(`demo ${name} must hold ${want} values for T=${T}, got ${got}`);
    };
    if (!Number.isInteger(T) || T < 1) throw new RangeError(`demo actions must be [T, 7] with T ≥ 1, got ${ep.actions.length} values`);
    check('agentviewRgb', ep.agentviewRgb.length, T * H * W * 3);
    if (ep.eyeInHandRgb) check('eyeInHandRgb', ep.eyeInHandRgb.length, T * H * W * 3);
    check('eePos', ep.eePos.length, T * 3);
    check('eeOri', ep.eeOri.length, T * 3);
    check('eeQuat', ep.eeQuat.length, T * 4);
    check('gripperStates', ep.gripperStates.length, T * 2);
    check('states', ep.states.length, T * S);
    check('rewards', ep.rewards.length, T);
    check('dones', ep.dones.length, T);

    const g = file.create_group(`data/demo_${this.count}`);
    const f64 = (name: string, data: Float64Array, cols: number) => g.create_dataset({ name, data, shape: [T, cols], dtype: '<d' });
    f64('actions', ep.actions, 7);
    f64('states', ep.states, S);
    const robot = new Float64Array(T * 9);
    const eeStates = new Float64Array(T * 6);
    for (let t = 0; t < T; t++) {
      robot.set(ep.gripperStates.subarray(2 * t, 2 * t + 2), 9 * t);
      robot.set(ep.eePos.subarray(3 * t, 3 * t + 3), 9 * t + 2);
      robot.set(ep.eeQuat.subarray(4 * t, 4 * t + 4), 9 * t + 5);
      eeStates.set(ep.eePos.subarray(3 * t, 3 * t + 3), 6 * t);
      eeStates.set(ep.eeOri.subarray(3 * t, 3 * t + 3), 6 * t + 3);
    }
    f64('robot_states', robot, 9);
    g.create_dataset({ name: 'rewards', data: ep.rewards, shape: [T], dtype: '<B' });
    g.create_dataset({ name: 'dones', data: ep.dones, shape: [T], dtype: '<B' });
    const obs = file.create_group(`data/demo_${this.count}/obs`);
    const image = (name: string, data: Uint8Array) =>
      obs.create_dataset({ name, data, shape: [T, H, W, 3], dtype: '<B', chunks: [1, H, W, 3], compression: 'gzip', compression_opts: 4 });
    image('agentview_rgb', ep.agentviewRgb);
    if (ep.eyeInHandRgb) image('eye_in_hand_rgb', ep.eyeInHandRgb);
    obs.create_dataset({ name: 'ee_pos', data: ep.eePos, shape: [T, 3], dtype: '<d' });
    obs.create_dataset({ name: 'ee_ori', data: ep.eeOri, shape: [T, 3], dtype: '<d' });
    obs.create_dataset({ name: 'ee_states', data: eeStates, shape: [T, 6], dtype: '<d' });
    obs.create_dataset({ name: 'gripper_states', data: ep.gripperStates, shape: [T, 2], dtype: '<d' });
    g.create_attribute('num_samples', BigInt64Array.of(BigInt(T)), [], '<q');
    g.create_attribute('init_origin', ep.initOrigin);
    g.create_attribute('expert_seed', BigInt64Array.of(BigInt(ep.expertSeed)), [], '<q');
    this.count++;
    this.total += T;
  }

  /** Writes `num_demos` and `total` and closes the file. Idempotent. */
  close(): void {
    const file = this.file;
    if (file === undefined) return;
    this.file = undefined;
    const data = file.get('data');
    if (data instanceof h5wasmLoaded().Group) {
      data.create_attribute('num_demos', BigInt64Array.of(BigInt(this.count)), [], '<q');
      data.create_attribute('total', BigInt64Array.of(BigInt(this.total)), [], '<q');
    }
    file.close();
  }
}
