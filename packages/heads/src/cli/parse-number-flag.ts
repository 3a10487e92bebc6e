/** Parses a numeric flag value; a bad one is a RangeError naming the flag. */
export function numberFlag(
  value: string | undefined,
  flag: string,
  fallback: number,
  kind: 'int' | 'float' = 'int',
  min = 0,
): number {
  if (value === undefined) return fallback;
  const n = Number(value);
  if (value.trim() === '' || !Number.isFinite(n) || (kind === 'int' && !Number.isInteger(n)) || n < min) {
    throw new RangeError(`--${flag} must be ${kind === 'int' ? 'an integer' : 'a number'} >= ${min}, got "${value}"`);
  }
  return n;
}
