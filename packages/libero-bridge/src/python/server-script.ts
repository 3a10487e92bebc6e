import { fileURLToPath } from 'node:url';

/**
 * Absolute path of `python/rsd_libero_server.py`, shipped in the package next to `src/` and
 * `dist/` (so the same relative URL works from source and from the build).
 */
export function pythonServerScriptPath(): string {
  return fileURLToPath(new URL('../../python/rsd_libero_server.py', import.meta.url));
}
