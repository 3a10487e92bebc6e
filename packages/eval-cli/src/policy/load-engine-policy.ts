import { loadEngine, parseAcceptance } from '@rsd/rsd-engine';
import { EnginePolicy } from './engine-policy.ts';

/** Loads the bundle with `@rsd/rsd-engine` and wraps it as a policy. */
export async function loadEnginePolicy(options: {
  readonly bundleDir: string;
  readonly acceptance: string;
  readonly draftLayers: number | undefined;
  readonly intraOpThreads: number;
  readonly log?: (line: string) => void;
}): Promise<EnginePolicy> {
  const engine = await loadEngine(options.bundleDir, {
    intraOpNumThreads: options.intraOpThreads,
    interOpNumThreads: 1,
    ...(options.log === undefined ? {} : { log: options.log }),
  });
  return new EnginePolicy(engine, {
    acceptance: parseAcceptance(options.acceptance),
    ...(options.draftLayers === undefined ? {} : { draftLayers: options.draftLayers }),
  });
}
