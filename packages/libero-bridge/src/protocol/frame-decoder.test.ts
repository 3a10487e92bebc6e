import { describe, expect, it } from 'vitest';
import { BridgeError } from '../errors/bridge-error.ts';
import { encodeFrame } from './encode-frame.ts';
import { decodeFrame, FrameDecoder } from './frame-decoder.ts';

function frameWithHeaderText(text: string, extra: Uint8Array = new Uint8Array(0)): Uint8Array {
  const h = new TextEncoder().encode(text);
  const out = new Uint8Array(4 + h.length + extra.length);
  new DataView(out.buffer).setUint32(0, h.length);
  out.set(h, 4);
  out.set(extra, 4 + h.length);
  return out;
}

function protocolError(f: () => unknown): BridgeError {
  try {
    f();
  } catch (e) {
    if (BridgeError.isInstance(e) && e.code === 'PROTOCOL_ERROR') return e;
    throw e;
  }
  throw new Error('expected a PROTOCOL_ERROR');
}

describe('decodeFrame', () => {
  it('refuses an oversized header length from the prefix alone', () => {
    const prefix = new Uint8Array([0x7f, 0xff, 0xff, 0xff]);
    expect(protocolError(() => decodeFrame(prefix)).message).toMatch(/exceeds/);
  });

  it.each([
    ['[1,2]', /not a JSON object/],
    ['null', /not a JSON object/],
    ['{"a":', /not UTF-8 JSON/],
    ['{"blobs":{}}', /"blobs" is not a list/],
    ['{"blobs":[{"name":"x","dtype":"complex64","shape":[1],"byteLength":8}]}', /unknown dtype/],
    ['{"blobs":[{"name":"x","dtype":"uint8","shape":[2,2],"byteLength":5}]}', /declares 5 bytes/],
    ['{"blobs":[{"name":"x","dtype":"uint8","shape":[-1],"byteLength":0}]}', /invalid shape/],
    [
      '{"blobs":[{"name":"x","dtype":"uint8","shape":[1],"byteLength":1},{"name":"x","dtype":"uint8","shape":[1],"byteLength":1}]}',
      /repeated/,
    ],
  ])('refuses header %s', (text, pattern) => {
    expect(protocolError(() => decodeFrame(frameWithHeaderText(text, new Uint8Array(16)))).message).toMatch(pattern);
  });

  it('refuses invalid UTF-8 in the header', () => {
    const bytes = new Uint8Array([0, 0, 0, 3, 0x7b, 0xff, 0x7d]);
    expect(protocolError(() => decodeFrame(bytes)).message).toMatch(/UTF-8/);
  });

  it('keeps blob bytes apart and typed as declared', () => {
    const img = Uint8Array.from({ length: 12 }, (_, i) => i);
    const f32 = Float32Array.of(1.5, -2);
    const bytes = encodeFrame({ type: 'x', id: 3 }, [
      { name: 'img', dtype: 'uint8', shape: [2, 2, 3], data: img },
      { name: 'f', dtype: 'float32', shape: [2], data: f32 },
    ]);
    const { frame } = decodeFrame(bytes)!;
    expect(frame.header).toEqual({ type: 'x', id: 3 });
    expect([...frame.blobs.get('img')!.data]).toEqual([...img]);
    const f = frame.blobs.get('f')!.data;
    expect([...new Float32Array(f.buffer, f.byteOffset, 2)]).toEqual([1.5, -2]);
  });
});

describe('encodeFrame', () => {
  it('refuses a blob whose bytes do not match its shape', () => {
    expect(
      protocolError(() => encodeFrame({}, [{ name: 'a', dtype: 'float32', shape: [3], data: new Uint8Array(8) }]))
        .subject,
    ).toBe('blobs[0]');
  });

  it('refuses non-finite header numbers, naming the field', () => {
    expect(protocolError(() => encodeFrame({ reward: NaN })).subject).toBe('header.reward');
  });
});

describe('FrameDecoder', () => {
  it('stays failed after a corrupt frame', () => {
    const d = new FrameDecoder();
    const first = protocolError(() => d.push(frameWithHeaderText('[]')));
    expect(protocolError(() => d.push(encodeFrame({ ok: true })))).toBe(first);
  });
});

describe('FrameDecoder with large frames', () => {
  it('reassembles a 1 MB image sent in 1 KB chunks, and the frame behind it', () => {
    const img = new Uint8Array(512 * 682 * 3);
    for (let i = 0; i < img.length; i++) img[i] = (i * 31) % 251;
    const a = encodeFrame({ id: 1 }, [{ name: 'img', dtype: 'uint8', shape: [512, 682, 3], data: img }]);
    const b = encodeFrame({ id: 2 });
    const stream = new Uint8Array(a.length + b.length);
    stream.set(a);
    stream.set(b, a.length);
    const d = new FrameDecoder();
    const got = [];
    for (let i = 0; i < stream.length; i += 1024) got.push(...d.push(stream.subarray(i, i + 1024)));
    expect(got.map((f) => f.header.id)).toEqual([1, 2]);
    expect(Buffer.from(got[0]!.blobs.get('img')!.data).equals(Buffer.from(img))).toBe(true);
    expect(d.pendingBytes).toBe(0);
  });
});
