import { loadEngine, parseAcceptance } from '@rsd/rsd-engine';
import { EnginePolicy } from './engine-policy.ts';

/** Loads the bundle with `@rsd/rsd-engine`, wraps it as a policy and warms it up (untimed). */
export async function loadEnginePolicy(options: {
  readonly bundleDir: string;
  readonly acceptance: string;
  readonly draftLayers: number | undefined;
  readonly intraOpThreads: number;
  /** Resize images of another size to the backbone's input (see EnginePolicy). */
  readonly resizeImages?: boolean;
  readonly log?: (line: string) => void;
}): Promise<EnginePolicy> {
  const engine = await loadEngine(options.bundleDir, {
    intraOpNumThreads: options.intraOpThreads,
    interOpNumThreads: 1,
    ...(options.log === undefined ? {} : { log: options.log }),
  });
  const policy = new EnginePolicy(engine, {
    acceptance: parseAcceptance(options.acceptance),
    resizeImages: options.resizeImages === true,
    ...(options.draftLayers === undefined ? {} : { draftLayers: options.draftLayers }),
  });
  try {
    await policy.warmUp();
  } catch (error) {
    await policy.close();
    throw error;
  }
  return policy;
}
