import { fc, test } from '@fast-check/vitest';
import { describe, expect } from 'vitest';
import { BridgeError } from '../errors/bridge-error.ts';
import { encodeFrame } from './encode-frame.ts';
import { BLOB_DTYPES, type BlobDtype, type BlobInput, type Frame } from './frame.ts';
import { decodeFrame, FrameDecoder } from './frame-decoder.ts';

const arbHeader = fc
  .dictionary(
    fc.string({ maxLength: 8 }).filter((k) => k !== 'blobs'),
    fc.jsonValue({ maxDepth: 2 }),
    { maxKeys: 5 },
  )
  .map((h) => JSON.parse(JSON.stringify(h)) as Record<string, unknown>);

const arbBlob = (name: string): fc.Arbitrary<BlobInput> =>
  fc
    .record({
      dtype: fc.constantFrom(...(Object.keys(BLOB_DTYPES) as BlobDtype[])),
      shape: fc.array(fc.integer({ min: 0, max: 5 }), { minLength: 0, maxLength: 3 }),
    })
    .chain(({ dtype, shape }) =>
      fc
        .uint8Array({
          minLength: shape.reduce((a, d) => a * d, 1) * BLOB_DTYPES[dtype],
          maxLength: shape.reduce((a, d) => a * d, 1) * BLOB_DTYPES[dtype],
        })
        .map((data) => ({ name, dtype, shape, data })),
    );

const arbBlobs = fc
  .uniqueArray(fc.string({ minLength: 1, maxLength: 6 }), { maxLength: 4 })
  .chain((names) => fc.tuple(...names.map(arbBlob)));

const arbFrame = fc.record({ header: arbHeader, blobs: arbBlobs });

function expectSameFrame(frame: Frame, header: Record<string, unknown>, blobs: readonly BlobInput[]): void {
  expect(frame.header).toEqual(header);
  expect([...frame.blobs.keys()]).toEqual(blobs.map((b) => b.name));
  for (const b of blobs) {
    const got = frame.blobs.get(b.name);
    expect(got?.dtype).toBe(b.dtype);
    expect(got?.shape).toEqual(b.shape);
    expect(got?.data).toEqual(b.data);
  }
}

/** Runs `f`; passes if it returns or throws a PROTOCOL_ERROR, fails on any other exception. */
function neverCrashes(f: () => unknown): void {
  try {
    f();
  } catch (e) {
    expect(BridgeError.isInstance(e) && e.code === 'PROTOCOL_ERROR', String(e)).toBe(true);
  }
}

describe('frame codec', () => {
  test.prop([arbFrame])('valid frames round-trip through decodeFrame', ({ header, blobs }) => {
    const bytes = encodeFrame(header, blobs);
    const out = decodeFrame(bytes);
    expect(out?.byteLength).toBe(bytes.length);
    expectSameFrame(out!.frame, header, blobs);
  });

  test.prop([fc.array(arbFrame, { minLength: 1, maxLength: 4 }), fc.array(fc.nat(), { maxLength: 6 })])(
    'a stream of frames split at arbitrary points decodes to the same frames',
    (frames, cutsRaw) => {
      const encoded = frames.map((f) => encodeFrame(f.header, f.blobs));
      const stream = new Uint8Array(encoded.reduce((a, e) => a + e.length, 0));
      encoded.reduce((off, e) => (stream.set(e, off), off + e.length), 0);
      const cuts = [...new Set(cutsRaw.map((c) => c % (stream.length + 1)))].sort((a, b) => a - b);
      const decoder = new FrameDecoder();
      const got: Frame[] = [];
      let prev = 0;
      for (const cut of [...cuts, stream.length]) {
        got.push(...decoder.push(stream.subarray(prev, cut)));
        prev = cut;
      }
      expect(got.length).toBe(frames.length);
      got.forEach((g, i) => expectSameFrame(g, frames[i]!.header, frames[i]!.blobs));
      expect(decoder.pendingBytes).toBe(0);
    },
  );

  test.prop([arbFrame, fc.nat()])(
    'every strict prefix of a valid frame means "need more bytes"',
    ({ header, blobs }, n) => {
      const bytes = encodeFrame(header, blobs);
      expect(decodeFrame(bytes.subarray(0, n % bytes.length))).toBeUndefined();
    },
  );

  test.prop([fc.uint8Array({ maxLength: 300 })])('random bytes never crash the decoder', (bytes) => {
    neverCrashes(() => new FrameDecoder().push(bytes));
    neverCrashes(() => decodeFrame(bytes));
  });

  test.prop([fc.uint8Array({ minLength: 0, maxLength: 200 })])(
    'random bytes behind a plausible length prefix never crash the decoder',
    (body) => {
      const bytes = new Uint8Array(4 + body.length);
      new DataView(bytes.buffer).setUint32(0, Math.max(1, body.length - 3));
      bytes.set(body, 4);
      neverCrashes(() => new FrameDecoder().push(bytes));
    },
  );

  test.prop([arbFrame, fc.array(fc.tuple(fc.nat(), fc.integer({ min: 1, max: 255 })), { minLength: 1, maxLength: 4 })])(
    'corrupting bytes of a valid frame yields a frame, "need more bytes" or PROTOCOL_ERROR',
    ({ header, blobs }, flips) => {
      const bytes = encodeFrame(header, blobs);
      for (const [pos, xor] of flips) bytes[pos % bytes.length]! ^= xor;
      neverCrashes(() => decodeFrame(bytes));
      neverCrashes(() => new FrameDecoder().push(bytes));
    },
  );

  test.prop([arbFrame, fc.nat(), fc.uint8Array({ minLength: 1, maxLength: 50 })])(
    'a truncated frame followed by other bytes never crashes the decoder',
    ({ header, blobs }, n, junk) => {
      const bytes = encodeFrame(header, blobs);
      const cut = bytes.subarray(0, n % bytes.length);
      const joined = new Uint8Array(cut.length + junk.length);
      joined.set(cut);
      joined.set(junk, cut.length);
      neverCrashes(() => new FrameDecoder().push(joined));
    },
  );
});
