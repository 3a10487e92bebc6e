import { defineProject } from 'vitest/config';

/** The per-package vitest project: source-first resolution, tests beside the code. */
export function rsdProject(name: string, overrides: { testTimeout?: number } = {}) {
  return defineProject({
    resolve: { conditions: ['@rsd/source'] },
    ssr: { resolve: { conditions: ['@rsd/source'] } },
    test: {
      name,
      include: ['src/**/*.test.ts', 'test/**/*.test.ts'],
      environment: 'node',
      testTimeout: overrides.testTimeout ?? 60_000,
      pool: 'forks',
    },
  });
}
