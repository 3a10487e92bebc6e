import fc from 'fast-check';
import type { HeadsConfig } from '../heads-config.ts';

/** A small, valid heads config (sizes kept tiny so property tests stay fast). */
export function arbHeadsConfig(): fc.Arbitrary<HeadsConfig> {
  return fc
    .record({
      F: fc.integer({ min: 1, max: 16 }),
      C: fc.integer({ min: 1, max: 4 }),
      H: fc.integer({ min: 1, max: 4 }),
      L: fc.integer({ min: 1, max: 6 }),
      K: fc.integer({ min: 2, max: 7 }),
      mainWidth: fc.integer({ min: 1, max: 32 }),
      mainDepth: fc.integer({ min: 1, max: 3 }),
      draftWidth: fc.integer({ min: 1, max: 16 }),
      draftDepth: fc.integer({ min: 0, max: 2 }),
    })
    .chain((c) => fc.integer({ min: 1, max: c.L }).map((draftLayers) => ({ ...c, draftLayers })));
}
