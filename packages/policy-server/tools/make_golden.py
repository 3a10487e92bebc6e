"""Golden bytes of openpi's msgpack_numpy, for test/msgpack-numpy.test.ts.

Reference only: the product never runs Python. This is the few lines of openpi_client's
msgpack_numpy (pack_array / unpack_array) as the issue states them, applied to one message of
every dtype the protocol carries, an observation as openpi's LIBERO example sends it, and a
reply. Run once, commit the output:

    python3 -m venv /tmp/v && /tmp/v/bin/pip install msgpack numpy
    /tmp/v/bin/python packages/policy-server/tools/make_golden.py > packages/policy-server/test/fixtures/msgpack-numpy-golden.json
"""

import functools
import json
import math

import msgpack
import numpy as np


# --- openpi_client/msgpack_numpy.py (reference) ---
def pack_array(obj):
    if isinstance(obj, (np.ndarray, np.generic)) and obj.dtype.kind in ("V", "O", "c"):
        raise ValueError(f"Unsupported dtype: {obj.dtype}")
    if isinstance(obj, np.ndarray):
        return {b"__ndarray__": True, b"data": obj.tobytes(), b"dtype": obj.dtype.str, b"shape": obj.shape}
    if isinstance(obj, np.generic):
        return {b"__npgeneric__": True, b"data": obj.item(), b"dtype": obj.dtype.str}
    return obj


def unpack_array(obj):
    if b"__ndarray__" in obj:
        return np.ndarray(buffer=obj[b"data"], dtype=np.dtype(obj[b"dtype"]), shape=obj[b"shape"])
    if b"__npgeneric__" in obj:
        return np.dtype(obj[b"dtype"]).type(obj[b"data"])
    return obj


packb = functools.partial(msgpack.packb, default=pack_array)
unpackb = functools.partial(msgpack.unpackb, object_hook=unpack_array)
# --- end of reference ---


def scalar(x):
    """A JSON form of one element: ints beyond 2^53 and non-finite floats as strings."""
    if isinstance(x, (bool, np.bool_)):
        return bool(x)
    if isinstance(x, (int, np.integer)):
        x = int(x)
        return x if abs(x) <= 2**53 else str(x)
    if isinstance(x, (float, np.floating)):
        x = float(x)
        return x if math.isfinite(x) else ("nan" if math.isnan(x) else ("inf" if x > 0 else "-inf"))
    if isinstance(x, bytes):
        return x.decode("latin1")
    return str(x)


def describe(v):
    """The expected value as JSON: arrays and scalars tagged, with their raw bytes in hex."""
    if isinstance(v, np.ndarray):
        return {"$ndarray": {"dtype": v.dtype.str, "shape": list(v.shape), "hex": v.tobytes().hex(), "values": [scalar(x) for x in v.reshape(-1).tolist()]}}
    if isinstance(v, float):  # np.float64 is a float: msgpack writes it as one, never calling pack_array
        return {"$float": scalar(v)}
    if isinstance(v, np.generic):
        return {"$npgeneric": {"dtype": v.dtype.str, "value": scalar(v.item())}}
    if isinstance(v, dict):
        return {k: describe(x) for k, x in v.items()}
    if isinstance(v, (list, tuple)):
        return [describe(x) for x in v]
    if isinstance(v, bytes):
        return {"$bytes": v.hex()}
    return v


rng = np.random.default_rng(0)
cases = {
    "bool": np.array([True, False, True]),
    "uint8_image": rng.integers(0, 256, size=(4, 5, 3), dtype=np.uint8),
    "int8": np.array([-128, -1, 0, 127], dtype=np.int8),
    "uint16": np.array([0, 1, 65535], dtype=np.uint16),
    "int16": np.array([-32768, 0, 32767], dtype=np.int16),
    "uint32": np.array([0, 4294967295], dtype=np.uint32),
    "int32": np.array([[-2147483648, 7], [0, 2147483647]], dtype=np.int32),
    "uint64": np.array([0, 2**53, 2**64 - 1], dtype=np.uint64),
    "int64": np.array([-(2**63), -1, 2**63 - 1], dtype=np.int64),
    "float16": np.array([0.5, -2.0, 65504.0, 6e-8, np.inf], dtype=np.float16),
    "float32": np.array([[1.5, -0.1], [np.nan, -np.inf]], dtype=np.float32),
    "float64": np.array([0.1, -1e300, 5e-324], dtype=np.float64),
    "float32_big_endian": np.array([1.25, -3.5], dtype=">f4"),
    "int16_big_endian": np.array([1, -2, 300], dtype=">i2"),
    "zero_dim": np.array(3.25, dtype=np.float32),
    "empty": np.zeros((0, 3), dtype=np.float32),
    "unicode": np.array(["ab", "cdé"]),
    "bytes": np.array([b"xy", b"z"]),
    "generic_float32": np.float32(1.5),
    "generic_float64_is_a_float": np.float64(0.1),
    "generic_int64": np.int64(-7),
    "generic_uint8": np.uint8(200),
    "generic_bool": np.bool_(True),
    "observation_libero": {
        "observation/image": rng.integers(0, 256, size=(6, 6, 3), dtype=np.uint8),
        "observation/wrist_image": rng.integers(0, 256, size=(6, 6, 3), dtype=np.uint8),
        "observation/state": np.concatenate((np.array([-0.21, -0.015, 1.18]), np.array([3.1, 0.02, -0.01]), np.array([0.039, -0.039]))),
        "prompt": "pick up the black bowl between the plate and the ramekin and place it on the plate",
    },
    "reply": {
        "actions": rng.standard_normal((2, 7)).astype(np.float32),
        "server_timing": {"infer_ms": 1.25, "batch_rows": 3},
        "flags": [True, None, "x", b"\x00\xff", -5, 300, 70000, 2**40, -(2**40)],
    },
}

out = []
for name, value in cases.items():
    b = packb(value)
    back = unpackb(b)
    assert packb(back) == b, name  # the reference reads its own bytes back
    out.append({"name": name, "hex": b.hex(), "value": describe(value)})
json.dump({"generator": "packages/policy-server/tools/make_golden.py", "msgpack": msgpack.version, "numpy": np.__version__, "cases": out}, __import__("sys").stdout, indent=1, ensure_ascii=False)
print()
