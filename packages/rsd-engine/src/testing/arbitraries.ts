import fc from 'fast-check';
import type { Acceptance } from '../acceptance.ts';

/** Any acceptance rule, with tolerances up to `maxTolerance`. */
export function arbAcceptance(maxTolerance = 3): fc.Arbitrary<Acceptance> {
  return fc.oneof(
    fc.constant({ kind: 'exact' } as const),
    fc.integer({ min: 0, max: maxTolerance }).map((tolerance) => ({ kind: 'relaxed', tolerance }) as const),
    fc
      .record({ temperature: fc.double({ min: 0.1, max: 2, noNaN: true }), seed: fc.nat() })
      .map((r) => ({ kind: 'sample', ...r }) as const),
  );
}
