"""Unit tests of the Python half of the bridge codec and the image rotation (stdlib unittest).
Run from python/: python3 -m unittest discover -s tests (the vitest suite does)."""

import io
import os
import random
import struct
import sys
import unittest

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))

from rsd_libero_backend import rotate_180  # noqa: E402
from rsd_libero_protocol import ProtocolError, encode_frame, read_frame  # noqa: E402


class CodecTest(unittest.TestCase):
    def test_round_trip(self):
        img = bytes(range(24))
        data = encode_frame({"type": "x", "id": 5, "nested": {"a": [1.5, None]}}, [("img", "uint8", (2, 4, 3), img), ("f", "float32", [2], struct.pack("<2f", 1, 2))])
        stream = io.BytesIO(data + data)
        for _ in range(2):
            header, blobs = read_frame(stream)
            self.assertEqual(header, {"type": "x", "id": 5, "nested": {"a": [1.5, None]}})
            self.assertEqual(blobs["img"], ("uint8", [2, 4, 3], img))
            self.assertEqual(struct.unpack("<2f", blobs["f"][2]), (1.0, 2.0))
        self.assertIsNone(read_frame(stream))

    def test_refuses_mismatched_blob(self):
        with self.assertRaises(ProtocolError):
            encode_frame({}, [("a", "float32", [3], b"\0" * 8)])

    def test_nan_is_not_sent(self):
        with self.assertRaises(ValueError):
            encode_frame({"reward": float("nan")})

    def test_random_bytes_never_crash(self):
        rng = random.Random(1234)
        valid = encode_frame({"type": "step", "id": 1}, [("b", "uint8", [3], b"abc")])
        for trial in range(2000):
            if trial % 2:
                data = bytes(rng.randrange(256) for _ in range(rng.randrange(40)))
            else:
                data = bytearray(valid[: rng.randrange(len(valid) + 1)])
                for _ in range(rng.randrange(4)):
                    if data:
                        data[rng.randrange(len(data))] ^= rng.randrange(1, 256)
            try:
                read_frame(io.BytesIO(bytes(data)))
            except ProtocolError:
                pass

    def test_truncated_frame_is_a_protocol_error(self):
        valid = encode_frame({"id": 1}, [("b", "uint8", [3], b"abc")])
        for n in range(1, len(valid)):
            with self.assertRaises(ProtocolError):
                read_frame(io.BytesIO(valid[:n]))


class RotateTest(unittest.TestCase):
    def test_rotation_reverses_pixels_and_keeps_channels(self):
        h, w = 3, 4
        raw = bytes(v for r in range(h) for c in range(w) for v in (r, c, 7))
        out = rotate_180(raw, h, w)
        for r in range(h):
            for c in range(w):
                i = (r * w + c) * 3
                self.assertEqual(tuple(out[i : i + 3]), (h - 1 - r, w - 1 - c, 7))
        self.assertEqual(rotate_180(out, h, w), raw)

    def test_rejects_wrong_size(self):
        with self.assertRaises(ValueError):
            rotate_180(b"\0" * 10, 2, 2)


if __name__ == "__main__":
    unittest.main()
