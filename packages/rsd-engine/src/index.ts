export { RsdError } from './errors/rsd-error.ts';
export type { RsdErrorCode } from './errors/rsd-error.ts';
export { parseAcceptance } from './acceptance.ts';
export type { Acceptance } from './acceptance.ts';
