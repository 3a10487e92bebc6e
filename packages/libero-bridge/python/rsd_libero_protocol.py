"""Framing of the RSD LIBERO bridge protocol (Python side), standard library only.

A frame, in both directions, is::

    uint32 big-endian N | N bytes of UTF-8 JSON header | blob 0 | blob 1 | ...

The header is a JSON object; its optional ``blobs`` list describes the binary payloads that
follow, in order: ``{"name", "dtype", "shape", "byteLength"}``. Multi-byte dtypes are
little-endian and row-major. The TypeScript side of the same codec lives in
``src/protocol/`` of @rsd/libero-bridge; keep the two in step and bump PROTOCOL_VERSION on any
incompatible change.
"""

import json
import struct

PROTOCOL_VERSION = "rsd-libero/1"
# Minor version 1.1 adds features: a client that asks for them in its hello gets a float32 [F]
# blob "features" (and "features_ms") with every observation, and may send features_batch.
# A 1.0 server refuses a 1.1 hello by name; a 1.1 server still serves 1.0 clients.
PROTOCOL_VERSION_FEATURES = "rsd-libero/1.1"
SUPPORTED_VERSIONS = (PROTOCOL_VERSION, PROTOCOL_VERSION_FEATURES)

DTYPE_SIZES = {"uint8": 1, "int32": 4, "float32": 4, "float64": 8}
MAX_HEADER_BYTES = 1 << 20
MAX_BLOB_BYTES = 256 << 20
MAX_BLOBS = 16


class ProtocolError(Exception):
    """The peer sent bytes that are not a valid frame; the stream cannot be resynchronised."""


def encode_frame(header, blobs=()):
    """header: dict; blobs: iterable of (name, dtype, shape, data: bytes). Returns bytes."""
    if "blobs" in header:
        raise ProtocolError('header field "blobs" is reserved for the blob table')
    table = []
    payloads = []
    for name, dtype, shape, data in blobs:
        count = 1
        for d in shape:
            count *= d
        if dtype not in DTYPE_SIZES or count * DTYPE_SIZES[dtype] != len(data):
            raise ProtocolError(
                "blob %r: %d bytes do not match %s %r" % (name, len(data), dtype, list(shape))
            )
        table.append({"name": name, "dtype": dtype, "shape": list(shape), "byteLength": len(data)})
        payloads.append(bytes(data))
    full = dict(header)
    if table:
        full["blobs"] = table
    text = json.dumps(full, allow_nan=False, separators=(",", ":")).encode("utf-8")
    return struct.pack(">I", len(text)) + text + b"".join(payloads)


def _read_exact(stream, n, what):
    chunks = []
    remaining = n
    while remaining > 0:
        chunk = stream.read(remaining)
        if not chunk:
            raise ProtocolError("stream ended inside a frame (%s, %d of %d bytes)" % (what, n - remaining, n))
        chunks.append(chunk)
        remaining -= len(chunk)
    return b"".join(chunks)


def _check_blob_table(table):
    if not isinstance(table, list) or len(table) > MAX_BLOBS:
        raise ProtocolError('"blobs" must be a list of at most %d entries' % MAX_BLOBS)
    names = set()
    total = 0
    for entry in table:
        if not isinstance(entry, dict):
            raise ProtocolError("blob entry is not an object")
        name, dtype, shape = entry.get("name"), entry.get("dtype"), entry.get("shape")
        if not isinstance(name, str) or not name or name in names:
            raise ProtocolError("blob name missing or repeated")
        names.add(name)
        if dtype not in DTYPE_SIZES:
            raise ProtocolError("blob %r has unknown dtype %r" % (name, dtype))
        if not isinstance(shape, list) or len(shape) > 8 or not all(
            isinstance(d, int) and not isinstance(d, bool) and d >= 0 for d in shape
        ):
            raise ProtocolError("blob %r has an invalid shape" % name)
        count = 1
        for d in shape:
            count *= d
        if entry.get("byteLength") != count * DTYPE_SIZES[dtype]:
            raise ProtocolError("blob %r: byteLength does not match its shape" % name)
        total += count * DTYPE_SIZES[dtype]
        if total > MAX_BLOB_BYTES:
            raise ProtocolError("blobs exceed %d bytes" % MAX_BLOB_BYTES)


def read_frame(stream):
    """Reads one frame from a binary stream. Returns (header, {name: (dtype, shape, bytes)}),
    or None when the stream ended cleanly between frames. Raises ProtocolError otherwise."""
    first = stream.read(1)
    if not first:
        return None
    prefix = first + _read_exact(stream, 3, "length prefix")
    (length,) = struct.unpack(">I", prefix)
    if length == 0 or length > MAX_HEADER_BYTES:
        raise ProtocolError("header length %d outside 1..%d" % (length, MAX_HEADER_BYTES))
    raw = _read_exact(stream, length, "header")
    try:
        header = json.loads(raw.decode("utf-8"))
    except (UnicodeDecodeError, ValueError) as error:
        raise ProtocolError("header is not UTF-8 JSON: %s" % error) from None
    if not isinstance(header, dict):
        raise ProtocolError("header is not a JSON object")
    table = header.pop("blobs", [])
    _check_blob_table(table)
    blobs = {}
    for entry in table:
        blobs[entry["name"]] = (entry["dtype"], entry["shape"], _read_exact(stream, entry["byteLength"], entry["name"]))
    return header, blobs
