import { describe, expect, it, vi } from 'vitest';
import { HeadsError } from '../errors/heads-error.ts';
import { PickleDict, PickleTuple } from './pickle-value.ts';
import type { PickleGlobalDef, PickleValue } from './pickle-value.ts';
import { scanPickleGlobals } from './pickle-global-scan.ts';
import { runPickle } from './pickle-vm.ts';

const enc = new TextEncoder();
const bytes = (...parts: (number | string | Uint8Array)[]): Uint8Array => {
  const out: number[] = [];
  for (const p of parts) {
    if (typeof p === 'number') out.push(p);
    else if (typeof p === 'string') out.push(...enc.encode(p));
    else out.push(...p);
  }
  return Uint8Array.from(out);
};
const u32 = (n: number) => [n & 255, (n >> 8) & 255, (n >> 16) & 255, (n >>> 24) & 255];
const str = (s: string) => bytes(0x58, ...u32(enc.encode(s).length), s);
const global = (m: string, n: string) => bytes('c', m, '\n', n, '\n');
const PROTO2 = bytes(0x80, 2);
const STOP = bytes(0x2e);

function run(pkl: Uint8Array, globals: Record<string, PickleGlobalDef> = {}): PickleValue {
  return runPickle(pkl, { globals: new Map(Object.entries(globals)), source: 'test.pkl' });
}
function error(fn: () => unknown): HeadsError {
  try {
    fn();
  } catch (e) {
    if (HeadsError.isInstance(e)) return e;
    throw e;
  }
  throw new Error('nothing thrown');
}

describe('runPickle', () => {
  it('builds dicts, lists, tuples and scalars', () => {
    // {'a': [1, -2, 300, 70000, True, None], 'b': (1.5, 'é'), 'c': big}
    // prettier-ignore
    const pkl = bytes(
      PROTO2, 0x7d, 0x71, 0, 0x28,
      str('a'), 0x5d, 0x28, 0x4b, 1, 0x4a, ...u32(-2), 0x4d, 0x2c, 0x01, 0x4a, ...u32(70000), 0x88, 0x4e, 0x65,
      str('b'), 0x47, 0x3f, 0xf8, 0, 0, 0, 0, 0, 0, 0x8c, 2, 0xc3, 0xa9, 0x86,
      str('c'), 0x8a, 9, 0, 0, 0, 0, 0, 0, 0, 0, 1,
      0x75, STOP,
    );
    const v = run(pkl) as PickleDict;
    expect(v).toBeInstanceOf(PickleDict);
    expect(v.entries.get('a')).toEqual([1, -2, 300, 70000, true, null]);
    expect((v.entries.get('b') as PickleTuple).items).toEqual([1.5, 'é']);
    expect(v.entries.get('c')).toBe(1n << 64n);
  });

  it('memoizes with BINPUT/BINGET so shared objects stay shared', () => {
    const pkl = bytes(PROTO2, 0x5d, 0x71, 7, 0x68, 7, 0x61, STOP); // l = []; l.append(l)
    const v = run(pkl) as PickleValue[];
    expect(v[0]).toBe(v);
  });

  it('calls only allow-listed handlers, with the argument tuple', () => {
    const call = vi.fn((args: readonly PickleValue[]) => `made:${args.join(',')}`);
    const pkl = bytes(PROTO2, global('m', 'f'), 0x4b, 3, str('x'), 0x86, 0x52, STOP);
    expect(run(pkl, { 'm.f': { call } })).toBe('made:3,x');
    expect(call).toHaveBeenCalledTimes(1);
  });

  it('refuses a forbidden global before executing anything, naming it', () => {
    const call = vi.fn(() => new PickleDict());
    // OrderedDict() is called first in stream order, then posix.system appears: nothing may run.
    const pkl = bytes(
      PROTO2,
      global('collections', 'OrderedDict'),
      0x29,
      0x52,
      global('posix', 'system'),
      str('echo pwned'),
      0x85,
      0x52,
      0x86,
      STOP,
    );
    const err = error(() => run(pkl, { 'collections.OrderedDict': { call } }));
    expect(err.code).toBe('CHECKPOINT_UNSAFE');
    expect(err.subject).toBe('posix.system');
    expect(err.message).toContain('posix.system');
    expect(call).not.toHaveBeenCalled();
  });

  it('refuses protocol-4 STACK_GLOBAL names in the scan, before anything runs', () => {
    const call = vi.fn(() => new PickleDict());
    // OrderedDict() first, then builtins.eval written as protocol 4 does: FRAME, MEMOIZE between the names
    // prettier-ignore
    const pkl = bytes(
      0x80, 4, 0x95, 40, 0, 0, 0, 0, 0, 0, 0,
      0x8c, 11, 'collections', 0x94, 0x8c, 11, 'OrderedDict', 0x94, 0x93, 0x94, 0x29, 0x52,
      0x8c, 8, 'builtins', 0x94, 0x8c, 4, 'eval', 0x94, 0x93, str('1+1'), 0x85, 0x52, 0x86, STOP,
    );
    const err = error(() => run(pkl, { 'collections.OrderedDict': { call } }));
    expect(err.code).toBe('CHECKPOINT_UNSAFE');
    expect(err.subject).toBe('builtins.eval');
    expect(call).not.toHaveBeenCalled();
    expect(scanPickleGlobals(pkl)).toEqual(['collections.OrderedDict', 'builtins.eval']);
  });

  it('resolves STACK_GLOBAL names fetched from the memo', () => {
    // prettier-ignore
    const pkl = bytes(0x80, 4, 0x8c, 1, 'm', 0x94, 0x8c, 1, 'f', 0x94, 0x30, 0x30, 0x68, 0, 0x68, 1, 0x93, 0x29, 0x52, STOP);
    expect(scanPickleGlobals(pkl)).toEqual(['m.f']);
    expect(run(pkl, { 'm.f': { call: () => 'ok' } })).toBe('ok');
  });

  it('refuses STACK_GLOBAL names that are not allowed, before they can be called', () => {
    const pkl = bytes(0x80, 4, 0x8c, 8, 'builtins', 0x8c, 4, 'eval', 0x93, str('1+1'), 0x85, 0x52, STOP);
    const err = error(() => run(pkl));
    expect(err.code).toBe('CHECKPOINT_UNSAFE');
    expect(err.subject).toBe('builtins.eval');
  });

  it('refuses calling an allowed global that has no handler', () => {
    const pkl = bytes(PROTO2, global('torch', 'FloatStorage'), 0x29, 0x52, STOP);
    expect(error(() => run(pkl, { 'torch.FloatStorage': {} })).code).toBe('CHECKPOINT_CORRUPT');
  });

  it('reports malformed streams as CHECKPOINT_CORRUPT naming the source', () => {
    // prettier-ignore
    for (const pkl of [
      bytes(PROTO2), // no STOP
      bytes(PROTO2, 0x58, 10, 0, 0, 0, 'ab'), // string longer than the stream
      bytes(PROTO2, 0x61, STOP), // APPEND on an empty stack
      bytes(PROTO2, 0x68, 3, STOP), // memo entry not set
      bytes(PROTO2, 0xff, STOP), // unknown opcode
      bytes(PROTO2, 0x4e, 0x4e, STOP), // two values left
      bytes(PROTO2, 0x28, 0x4e, 0x30, 0x30, STOP), // POP below the mark
    ]) {
      const err = error(() => run(pkl));
      expect(err.code).toBe('CHECKPOINT_CORRUPT');
      expect(err.message).toContain('test.pkl');
    }
  });

  it('scans globals without running anything', () => {
    const pkl = bytes(PROTO2, global('a', 'b'), global('os', 'system'), 0x4e, STOP);
    expect(scanPickleGlobals(pkl)).toEqual(['a.b', 'os.system']);
  });
});

describe('runPickle on long lists', () => {
  it('APPENDS more items than a call can take as arguments', () => {
    const n = 200_000;
    const body = new Uint8Array(n).fill(0x4e); // None × n
    const v = run(Uint8Array.from([0x80, 2, 0x5d, 0x28, ...body, 0x65, 0x2e]));
    expect((v as PickleValue[]).length).toBe(n);
  });
});
