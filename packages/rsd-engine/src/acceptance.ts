import { RsdError } from './errors/rsd-error.ts';

/**
 * How a proposed draft token is accepted (SPEC §1.3):
 * - `exact`: iff it equals the main head's argmax (lossless: output == baseline);
 * - `relaxed`: iff |draft − argmax| <= tolerance[l] (codes are ordinal);
 * - `sample`: speculative sampling at `temperature`, seeded.
 */
export type Acceptance =
  | { readonly kind: 'exact' }
  | { readonly kind: 'relaxed'; readonly tolerance: readonly number[] | number }
  | { readonly kind: 'sample'; readonly temperature: number; readonly seed: number };

/**
 * Parses the CLI form: `exact`, `relaxed:<t>` or `relaxed:<t0>,<t1>,…` (per layer),
 * `sample:<T>:<seed>`.
 */
export function parseAcceptance(text: string): Acceptance {
  const bad = (why: string) =>
    new RsdError('INVALID_OPTIONS', `--acceptance "${text}": ${why}`, { subject: 'acceptance' });
  const [kind, ...rest] = text.split(':');
  if (kind === 'exact' && rest.length === 0) return { kind: 'exact' };
  if (kind === 'relaxed') {
    if (rest.length !== 1 || rest[0] === '') throw bad('expected relaxed:<tolerance> or relaxed:<t0>,<t1>,...');
    const t = rest[0]!.split(',').map(Number);
    if (t.some((x) => !Number.isInteger(x) || x < 0)) throw bad('tolerances must be non-negative integers');
    return { kind: 'relaxed', tolerance: t.length === 1 ? t[0]! : t };
  }
  if (kind === 'sample') {
    if (rest.length !== 2) throw bad('expected sample:<temperature>:<seed>');
    const temperature = Number(rest[0]);
    const seed = Number(rest[1]);
    if (!(temperature > 0) || !Number.isFinite(temperature)) throw bad('temperature must be a positive number');
    if (!Number.isInteger(seed) || seed < 0) throw bad('seed must be a non-negative integer');
    return { kind: 'sample', temperature, seed };
  }
  throw bad('expected exact, relaxed:<t> or sample:<T>:<seed>');
}
