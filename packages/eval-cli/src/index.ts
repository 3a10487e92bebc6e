export { EvalError } from './errors/eval-error.ts';
export type { EvalErrorCode } from './errors/eval-error.ts';
export { wilsonInterval } from './report/wilson-interval.ts';
