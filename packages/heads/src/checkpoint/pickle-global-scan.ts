import { OP, readPickleOp } from './pickle-op-reader.ts';

const STRING_OPS: ReadonlySet<number> = new Set([
  OP.SHORT_BINUNICODE,
  OP.BINUNICODE,
  OP.BINUNICODE8,
  OP.SHORT_BINSTRING,
  OP.BINSTRING,
]);

/**
 * Lists the globals a stream names, in order, without executing anything: every `GLOBAL`, and
 * every `STACK_GLOBAL` (protocol 4+) whose two names are string literals pushed right before it
 * (possibly memoized or fetched from the memo), which is how pickle writes them. A
 * `STACK_GLOBAL` built any other way is checked by the VM when it is met, before it can be called.
 * Throws PickleFormatError when the stream is malformed before its STOP.
 */
export function scanPickleGlobals(bytes: Uint8Array): string[] {
  const names: string[] = [];
  const recent: (string | null)[] = []; // what the last ops pushed: a string literal, or null for anything else
  const memo = new Map<number, string | null>();
  const top = (): string | null => recent.at(-1) ?? null;
  let pos = 0;
  for (;;) {
    const op = readPickleOp(bytes, pos);
    if (op.code === OP.STOP) return names;
    if (op.code === OP.GLOBAL) {
      const [module, name] = op.arg as readonly [string, string];
      names.push(`${module}.${name}`);
      recent.push(null);
    } else if (STRING_OPS.has(op.code)) {
      recent.push(op.arg as string);
    } else if (op.code === OP.BINPUT || op.code === OP.LONG_BINPUT) {
      memo.set(op.arg as number, top());
    } else if (op.code === OP.MEMOIZE) {
      memo.set(memo.size, top());
    } else if (op.code === OP.BINGET || op.code === OP.LONG_BINGET) {
      recent.push(memo.get(op.arg as number) ?? null);
    } else if (op.code === OP.STACK_GLOBAL) {
      const [module, name] = recent.slice(-2);
      if (recent.length >= 2 && typeof module === 'string' && typeof name === 'string') names.push(`${module}.${name}`);
      recent.push(null);
    } else if (op.code !== OP.PROTO && op.code !== OP.FRAME) {
      recent.push(null);
    }
    if (recent.length > 2) recent.splice(0, recent.length - 2);
    pos = op.end;
  }
}
