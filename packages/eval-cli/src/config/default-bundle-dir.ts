import { fileURLToPath } from 'node:url';

/**
 * The shipped embedded model bundle: `models/embedded_spatial` at the repository root
 * (src/config and dist/config are both four levels below it).
 */
export function defaultBundleDir(): string {
  return fileURLToPath(new URL('../../../../models/embedded_spatial', import.meta.url));
}
