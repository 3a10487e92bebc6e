"""Local interop check against a running server, the way openpi_client talks to it.

Reference only (the product never runs Python; CI does not run this). The client below is the few
lines of openpi_client's WebsocketClientPolicy (websockets.sync.client, compression off,
max_size None, msgpack_numpy) and the request is the one openpi's LIBERO example builds.

    /tmp/v/bin/pip install msgpack numpy websockets
    npx nx run policy-server:serve --bundle models/embedded_spatial --port 8000 &
    /tmp/v/bin/python packages/policy-server/tools/openpi_client_check.py 127.0.0.1 8000
"""

import functools
import sys

import msgpack
import numpy as np
import websockets.sync.client


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


class WebsocketClientPolicy:  # openpi_client.websocket_client_policy, without the retry loop
    def __init__(self, host, port):
        self._ws = websockets.sync.client.connect(f"ws://{host}:{port}", compression=None, max_size=None)
        self.metadata = unpackb(self._ws.recv())

    def infer(self, obs):
        self._ws.send(packb(obs))
        response = self._ws.recv()
        if isinstance(response, str):
            raise RuntimeError(f"Error in inference server:\n{response}")
        return unpackb(response)


host, port = sys.argv[1], int(sys.argv[2])
policy = WebsocketClientPolicy(host, port)
print("metadata:", {k: policy.metadata[k] for k in ("bundle", "dims", "decoding", "image")})
rng = np.random.default_rng(0)
obs = {  # as openpi's examples/libero/main.py builds it (images already flipped upright, 224 x 224)
    "observation/image": rng.integers(0, 256, (224, 224, 3), dtype=np.uint8),
    "observation/wrist_image": rng.integers(0, 256, (224, 224, 3), dtype=np.uint8),
    "observation/state": np.concatenate(([-0.21, -0.015, 1.18], [3.1, 0.02, -0.01], [0.039, -0.039])),
    "prompt": "pick up the black bowl between the plate and the ramekin and place it on the plate",
}
for i in range(3):
    out = policy.infer(obs)
    print("actions", out["actions"].dtype, out["actions"].shape, "server_timing", out["server_timing"], "rsd", {k: out["rsd_stats"][k] for k in ("main_passes", "accepted_layers")})
try:
    policy.infer({"prompt": "no image"})
except RuntimeError as e:
    print("bad request ->", str(e).replace("\n", " | "))
print("after the error:", policy.infer(obs)["actions"][0])
