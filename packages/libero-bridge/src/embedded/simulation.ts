import { BridgeError } from '../errors/bridge-error.ts';
import type { MujocoModule } from './mujoco-runtime.ts';
import type { DoubleBuffer, IntBuffer, MjData, MjModel } from 'mujoco';

let live = 0;
let loadCounter = 0;

/** Number of `Simulation`s created and not yet disposed in this thread (for leak tests). */
export function liveSimulationCount(): number {
  return live;
}

/** A handle this class owns: anything with embind's `delete`. */
interface Deletable {
  delete(): void;
}

/**
 * Owns one MjModel, its MjData and any WebAssembly buffers allocated for it. Callers never see
 * `.delete()`: `dispose()` (also `[Symbol.dispose]`) frees everything once; it is idempotent.
 */
export class Simulation {
  readonly mj: MujocoModule;
  readonly model: MjModel;
  readonly data: MjData;
  private readonly owned: Deletable[] = [];
  private disposed = false;

  private constructor(mj: MujocoModule, model: MjModel, data: MjData) {
    this.mj = mj;
    this.model = model;
    this.data = data;
    live++;
  }

  /** Compiles an MJCF string through the module's in-memory file system. */
  static fromXml(mj: MujocoModule, xml: string): Simulation {
    const dir = '/rsd-scenes';
    const path = `${dir}/scene-${loadCounter++}.xml`;
    let model: MjModel | undefined;
    try {
      if (!mj.FS.analyzePath(dir, false).exists) mj.FS.mkdir(dir);
      mj.FS.writeFile(path, xml);
      model = mj.MjModel.mj_loadXML(path);
      const data = new mj.MjData(model);
      return new Simulation(mj, model, data);
    } catch (cause) {
      model?.delete();
      throw new BridgeError('SIMULATION_FAILED', `MuJoCo could not compile the scene: ${String(cause)}`, {
        cause,
        subject: 'scene.xml',
      });
    } finally {
      if (mj.FS.analyzePath(path, false).exists) mj.FS.unlink(path);
    }
  }

  get isDisposed(): boolean {
    return this.disposed;
  }

  /** Allocates a float64 buffer in the WebAssembly heap, freed with this simulation. Read it with `GetView()` each time (views detach when the heap grows). */
  doubleBuffer(length: number): DoubleBuffer {
    const handle = new this.mj.DoubleBuffer(length);
    this.owned.push(handle);
    return handle;
  }

  /** Allocates an int32 buffer in the WebAssembly heap, freed with this simulation. */
  intBuffer(length: number): IntBuffer {
    const handle = new this.mj.IntBuffer(length);
    this.owned.push(handle);
    return handle;
  }

  /** Id of a named element (`type`: an mjtObj value), or a SIMULATION_FAILED error naming it. */
  id(type: number, name: string): number {
    const id = this.mj.mj_name2id(this.model, type, name);
    if (id < 0) throw new BridgeError('SIMULATION_FAILED', `scene has no element named ${name}`, { subject: name });
    return id;
  }

  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    live--;
    for (const h of this.owned.splice(0)) h.delete();
    this.data.delete();
    this.model.delete();
  }

  [Symbol.dispose](): void {
    this.dispose();
  }
}
