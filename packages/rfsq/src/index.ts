export { RfsqError } from './errors/rfsq-error.ts';
export type { RfsqErrorCode } from './errors/rfsq-error.ts';
export { toResidualMajor, fromResidualMajor } from './token-layout.ts';
export type { TokenShape } from './token-layout.ts';
