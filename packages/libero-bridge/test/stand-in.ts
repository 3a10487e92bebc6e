import { fileURLToPath } from 'node:url';

/** Folder holding the stand-in `libero` package (python/stand_in): NOT LIBERO, tests only. */
export const STAND_IN_PYTHONPATH = fileURLToPath(new URL('../python/stand_in', import.meta.url));

/** Environment for a server child that imports the stand-in instead of LIBERO. */
export function standInEnv(extra: Record<string, string> = {}): Record<string, string> {
  return { PYTHONPATH: STAND_IN_PYTHONPATH, ...extra };
}
