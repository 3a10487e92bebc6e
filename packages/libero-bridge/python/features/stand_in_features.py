"""Stand-in feature module (tests only; NOT a VLA): deterministic, standard library only, F = 12.

It has the call signature of every ``--features`` module (see rsd_libero_features.py) and looks
at everything it is given, so a test can tell that the image, the wrist image, the proprio vector
and the instruction all arrived: per-channel means of the agent view over its top and bottom
halves (6), the wrist image's mean (1, 0 without one), the proprio vector's first three entries and
its sum (4), and a hash of the instruction in [0, 1) (1).

``setup(config)`` records the config; ``config["fail"] = "setup"`` makes setup raise, and
``config["scale"]`` multiplies every feature (default 1).
"""

import hashlib

F = 12
_config = {"scale": 1.0}
_setup_calls = 0


def setup(config):
    global _setup_calls
    _setup_calls += 1
    if config.get("fail") == "setup":
        raise RuntimeError("stand-in setup asked to fail")
    _config.update(config)


def _channel_means(raw, rows, cols, row_from, row_to):
    sums = [0, 0, 0]
    for r in range(row_from, row_to):
        base = r * cols * 3
        for c in range(3):
            sums[c] += sum(raw[base + c : base + cols * 3 : 3])
    count = max(1, (row_to - row_from) * cols)
    return [s / count / 255.0 for s in sums]


def features(agentview, wrist, proprio, instruction):
    rows, cols = int(agentview.shape[0]), int(agentview.shape[1])
    raw = bytes(agentview)
    out = _channel_means(raw, rows, cols, 0, rows // 2) + _channel_means(raw, rows, cols, rows // 2, rows)
    out.append(0.0 if wrist is None else sum(bytes(wrist)) / max(1, len(bytes(wrist))) / 255.0)
    p = [float(x) for x in proprio]
    out += p[:3] + [sum(p)]
    digest = hashlib.sha256(instruction.encode("utf-8")).digest()
    out.append(int.from_bytes(digest[:4], "big") / 2.0**32)
    scale = float(_config.get("scale", 1.0))
    return [v * scale for v in out]
