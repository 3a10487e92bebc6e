import { resolve } from 'node:path';

/**
 * The folder the user typed the command in. Through `npx nx run <project>:<target>`, Nx runs the
 * package script inside the package folder and npm resets INIT_CWD there, so the root `.env`
 * hands the original folder on as RSD_INVOCATION_CWD; `npm run` alone records it as INIT_CWD;
 * run directly (tsx, node), it is the working directory.
 */
export function invocationDir(env: NodeJS.ProcessEnv = process.env): string {
  return env.RSD_INVOCATION_CWD || env.INIT_CWD || process.cwd();
}

/** A path the user typed, resolved against the folder they typed it in (absolute paths stay). */
export function userPath(path: string, env: NodeJS.ProcessEnv = process.env): string {
  return resolve(invocationDir(env), path);
}
