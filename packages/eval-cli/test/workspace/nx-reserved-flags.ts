import { readdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';

/** The workspace root (packages/eval-cli/test/workspace → ../../../..). */
export const WORKSPACE = join(import.meta.dirname, '../../../..');

const require = createRequire(join(WORKSPACE, 'package.json'));

/**
 * Parses `nx run <project>:<target> ...args` with Nx's own yargs configuration (the builder of
 * its `run` command) and returns the arguments Nx would hand on to the package script.
 */
export function argsNxHandsOn(args: readonly string[]): string[] {
  const yargs = require('yargs') as (argv: string[]) => {
    command(c: unknown): { parse(): unknown };
  };
  const { yargsRunCommand } = require('nx/src/command-line/run/command-object.js') as { yargsRunCommand: { builder: unknown } };
  const { withOverrides } = require('nx/src/command-line/yargs-utils/shared-options.js') as {
    withOverrides(a: Record<string, unknown>): { __overrides_unparsed__: string[] };
  };
  let handedOn: string[] = [];
  yargs(['run', 'p:t', ...args])
    .command({
      ...yargsRunCommand,
      handler: (parsed: Record<string, unknown>) => {
        handedOn = withOverrides(parsed).__overrides_unparsed__;
      },
    })
    .parse();
  return handedOn;
}

/** Flags documented for `npx nx run`: every `--flag` in the READMEs and the CLIs' help texts. */
export function documentedFlags(): Map<string, string[]> {
  const files = [join(WORKSPACE, 'README.md')];
  for (const p of readdirSync(join(WORKSPACE, 'packages'))) {
    files.push(join(WORKSPACE, 'packages', p, 'README.md'));
    const cli = join(WORKSPACE, 'packages', p, 'src', 'cli');
    for (const f of readdirSync(cli)) if (f.endsWith('.ts') && !f.endsWith('.test.ts')) files.push(join(cli, f));
  }
  const flags = new Map<string, string[]>();
  for (const file of files) {
    for (const m of readFileSync(file, 'utf8').matchAll(/(?<![\w-])--([a-z][a-z0-9]*(?:-[a-z0-9]+)*)/g)) {
      const where = flags.get(m[1]!) ?? [];
      const rel = file.slice(WORKSPACE.length + 1);
      if (!where.includes(rel)) where.push(rel);
      flags.set(m[1]!, where);
    }
  }
  return flags;
}
