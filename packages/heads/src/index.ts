export { HeadsError } from './errors/heads-error.ts';
export type { HeadsErrorCode } from './errors/heads-error.ts';
export { validateHeadsConfig } from './heads-config.ts';
export type { HeadsConfig } from './heads-config.ts';
