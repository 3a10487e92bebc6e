import { fc, test } from '@fast-check/vitest';
import { describe, expect, it } from 'vitest';
import { BridgeError } from '../errors/bridge-error.ts';
import { decodeObservation, decodeStepResult, decodeSuites, errorFromReply } from './decode-reply.ts';
import type { Blob, Frame } from './frame.ts';

function image(name: string, h: number, w: number): Blob {
  return { name, dtype: 'uint8', shape: [h, w, 3], byteLength: h * w * 3, data: new Uint8Array(h * w * 3).fill(7) };
}

const goodObs = { ee_pos: [0.1, 0.2, 0.3], ee_quat: [0, 0, 0, 1], gripper_qpos: [0.04, -0.04] };

function frame(header: Record<string, unknown>, blobs: Blob[] = []): Frame {
  return { header, blobs: new Map(blobs.map((b) => [b.name, b])) };
}

function onlyProtocolErrors(f: () => unknown): void {
  try {
    f();
  } catch (e) {
    expect(BridgeError.isInstance(e) && e.code === 'PROTOCOL_ERROR', String(e)).toBe(true);
  }
}

describe('reply decoders', () => {
  it('decode a well-formed observation and step result', () => {
    const f = frame({ obs: goodObs, reward: 1, done: true, success: true }, [image('agentview_rgb', 2, 3)]);
    const r = decodeStepResult(f);
    expect(r).toMatchObject({ reward: 1, done: true, success: true });
    expect(r.observation.agentviewRgb).toMatchObject({ height: 2, width: 3 });
    expect([...r.observation.eeQuat]).toEqual([0, 0, 0, 1]);
    expect(r.observation.eyeInHandRgb).toBeUndefined();
  });

  it.each([
    [{ obs: { ...goodObs, ee_pos: [0, 0] } }, [image('agentview_rgb', 1, 1)], /ee_pos/],
    [{ obs: { ...goodObs, ee_quat: [0, 0, 0, null] } }, [image('agentview_rgb', 1, 1)], /ee_quat/],
    [{ obs: goodObs }, [], /agentview_rgb" is missing/],
    [{ obs: goodObs }, [{ ...image('agentview_rgb', 1, 1), dtype: 'float32' as const }], /not a non-empty uint8/],
  ])('refuse a malformed observation %#', (header, blobs, pattern) => {
    expect(() => decodeObservation(frame(header, blobs))).toThrow(pattern);
  });

  it('keep the server text of an error reply and only known codes', () => {
    const e = errorFromReply(
      frame({ error: { type: 'ValueError', message: 'bad bddl', code: 'UNKNOWN_TASK' } }),
      'reset',
    );
    expect([e.code, e.message]).toEqual(['UNKNOWN_TASK', 'reset: python server replied ValueError: bad bddl']);
    expect(errorFromReply(frame({ error: { type: 'X', message: 'y', code: 'ENV_CLOSED' } }), 'c').code).toBe(
      'SERVER_ERROR',
    );
  });

  test.prop([
    fc.dictionary(
      fc.constantFrom('obs', 'reward', 'done', 'success', 'suites', 'error', 'x'),
      fc.jsonValue({ maxDepth: 3 }),
    ),
    fc.array(
      fc.record({
        name: fc.constantFrom('agentview_rgb', 'eye_in_hand_rgb', 'other'),
        shape: fc.array(fc.nat(4), { maxLength: 4 }),
        dtype: fc.constantFrom('uint8' as const, 'float32' as const),
      }),
      { maxLength: 3 },
    ),
  ])('never throw anything but PROTOCOL_ERROR on arbitrary replies', (header, blobSpecs) => {
    const blobs = blobSpecs.map((b) => {
      const n = b.shape.reduce((a, d) => a * d, 1) * (b.dtype === 'uint8' ? 1 : 4);
      return { ...b, byteLength: n, data: new Uint8Array(n) };
    });
    const f = frame(header, blobs);
    onlyProtocolErrors(() => decodeObservation(f));
    onlyProtocolErrors(() => decodeStepResult(f));
    onlyProtocolErrors(() => decodeSuites(f));
    onlyProtocolErrors(() => expect(BridgeError.isInstance(errorFromReply(f, 'ctx'))).toBe(true));
  });
});
