import { fileURLToPath } from 'node:url';

/** Folder holding the stand-in `libero` package (python/stand_in): NOT LIBERO, tests only. */
export const STAND_IN_PYTHONPATH = fileURLToPath(new URL('../python/stand_in', import.meta.url));

/**
 * Environment for a server child that imports the stand-in instead of LIBERO (and writes no
 * bytecode into the source tree). `extra` sets the stand-in's test hooks, e.g.
 * `RSD_LIBERO_STAND_IN_EXIT_AT_STEP`.
 */
export function standInEnv(extra: Record<string, string> = {}): Record<string, string> {
  return { PYTHONPATH: STAND_IN_PYTHONPATH, PYTHONDONTWRITEBYTECODE: '1', ...extra };
}
