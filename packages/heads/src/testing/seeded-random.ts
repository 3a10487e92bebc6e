/**
 * The workspace's seeded generator (mulberry32, `SeededPrng` of @rsd/rfsq) under the name
 * this package's helpers have always exported: the same seed gives the same stream everywhere.
 */
export { SeededPrng as SeededRandom } from '@rsd/rfsq';
