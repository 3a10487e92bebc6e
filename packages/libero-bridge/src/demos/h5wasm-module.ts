import type H5wasmModule from 'h5wasm/node';

/** The h5wasm module (`h5wasm/node`'s default export). */
export type H5wasm = typeof H5wasmModule;

let loading: Promise<H5wasm> | undefined;
let loaded: H5wasm | undefined;

/**
 * Loads h5wasm on first use and waits for its WebAssembly to be ready. Importing it costs
 * seconds of start-up, which environments and evaluation workers never need, so nothing in
 * the package imports it eagerly.
 */
export function loadH5wasm(): Promise<H5wasm> {
  loading ??= import('h5wasm/node').then(async (m) => {
    await m.default.ready;
    loaded = m.default;
    return m.default;
  });
  return loading;
}

/** The module after `loadH5wasm()` resolved (every file handle implies it did). */
export function h5wasmLoaded(): H5wasm {
  if (loaded === undefined) throw new Error('h5wasm used before loadH5wasm() resolved');
  return loaded;
}
