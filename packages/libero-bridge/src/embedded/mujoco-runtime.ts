import loadMujoco, { type MainModule } from 'mujoco';

/** The MuJoCo WebAssembly module (engine 3.5.x). One instance per thread, loaded on first use. */
export type MujocoModule = MainModule;

let modulePromise: Promise<MujocoModule> | undefined;

/**
 * Loads the MuJoCo WebAssembly module once per thread (every worker thread gets its own
 * instance, so threads never share a heap). Models and data are owned by `Simulation`.
 */
export function loadMujocoModule(): Promise<MujocoModule> {
  modulePromise ??= loadMujoco().catch((cause: unknown) => {
    modulePromise = undefined;
    throw cause;
  });
  return modulePromise;
}

/** Size of the module's WebAssembly heap in bytes, read through a live view of `data`'s arrays. */
export function wasmHeapBytes(view: ArrayBufferView): number {
  return view.buffer.byteLength;
}
