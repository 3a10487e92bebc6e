"""Feature modules of the RSD LIBERO bridge server (``--features <module.py>``), stdlib only.

The server runs the module after every reset and every step (except a step whose request says
``features: false``) of a client that asked for features. A feature module is a Python file that
defines::

    def setup(config): ...                                  # optional, called once per process
    def features(agentview, wrist, proprio, instruction):  # -> float32 [F]

- ``agentview``: uint8 [H, W, 3], upright (row 0 = top), the agent-view camera as the client
  sees it. A ``numpy.ndarray`` when numpy is importable, else a 3-D ``memoryview``.
- ``wrist``: the eye-in-hand image in the same form, or ``None`` when it is not rendered.
- ``proprio``: float32 [9] = ``ee_pos`` [3], ``ee_quat`` [4] (x, y, z, w), ``gripper_qpos`` [2]
  in LIBERO's frames and signs (a ``numpy.ndarray`` when numpy is importable, else a list).
- ``instruction``: the task's language instruction (str).
- returns F finite numbers (anything ``numpy.asarray(x, numpy.float32).reshape(-1)`` accepts,
  or a flat sequence of floats); F must be the same on every call.

``config`` is the parsed ``--features-config`` (a JSON file or inline JSON; ``{}`` when absent).
The server calls ``setup`` lazily in the process that computes features: once in stdio mode,
once per client in TCP mode (each client is served by a forked child; GPU contexts do not survive
a fork, so a model must be loaded after it).
"""

import importlib.util
import json
import math
import os
import struct
import time

PROPRIO_FIELDS = ("ee_pos", "ee_quat", "gripper_qpos")


class FeaturesError(Exception):
    """The feature module cannot be loaded, set up or run: a setup fault of the server."""


def parse_config(text):
    """``--features-config``: a path to a JSON file, or inline JSON. Returns a dict."""
    if text is None:
        return {}
    source = "inline"
    if not text.lstrip().startswith("{"):
        try:
            with open(text, "r", encoding="utf-8") as f:
                raw = f.read()
        except OSError as error:
            raise FeaturesError("--features-config %s: %s" % (text, error)) from None
        source = text
    else:
        raw = text
    try:
        config = json.loads(raw)
    except ValueError as error:
        raise FeaturesError("--features-config (%s) is not valid JSON: %s" % (source, error)) from None
    if not isinstance(config, dict):
        raise FeaturesError("--features-config (%s) must be a JSON object" % source)
    return config


def _numpy():
    try:
        import numpy

        return numpy
    except ImportError:
        return None


def _image_arg(data, height, width):
    view = memoryview(bytes(data)).cast("B", (height, width, 3))
    np = _numpy()
    return np.asarray(view) if np is not None else view


def _to_float32_bytes(value):
    """The module's return value → (little-endian float32 bytes, F)."""
    np = _numpy()
    if np is not None and not isinstance(value, (list, tuple)):
        arr = np.asarray(value, dtype=np.float32).reshape(-1)
        if not np.all(np.isfinite(arr)):
            raise FeaturesError("features() returned NaN or infinite values")
        return arr.astype("<f4").tobytes(), int(arr.shape[0])
    if hasattr(value, "tolist"):
        value = value.tolist()
    try:
        flat = [float(x) for x in value]
    except TypeError:
        raise FeaturesError("features() must return a flat float sequence [F], got %s" % type(value).__name__) from None
    if not all(math.isfinite(x) for x in flat):
        raise FeaturesError("features() returned NaN or infinite values")
    return struct.pack("<%df" % len(flat), *flat), len(flat)


class FeatureProvider:
    """A loaded feature module: ``compute`` turns one observation into float32 [F] bytes."""

    def __init__(self, path, config):
        self.path = os.path.abspath(path)
        self.config = config
        self.F = None
        self._setup_done = False
        spec = importlib.util.spec_from_file_location("rsd_features_module", self.path)
        if spec is None or spec.loader is None:
            raise FeaturesError("--features %s: not a Python module file" % path)
        module = importlib.util.module_from_spec(spec)
        try:
            spec.loader.exec_module(module)
        except FileNotFoundError:
            raise FeaturesError("--features %s: no such file" % path) from None
        except Exception as error:
            raise FeaturesError("--features %s failed to import: %s: %s" % (path, type(error).__name__, error)) from None
        if not callable(getattr(module, "features", None)):
            raise FeaturesError("--features %s defines no features(agentview, wrist, proprio, instruction)" % path)
        self.module = module
        self.name = os.path.basename(self.path)

    def ensure_setup(self):
        """Calls the module's ``setup(config)`` once (in the process that will compute)."""
        if self._setup_done:
            return
        setup = getattr(self.module, "setup", None)
        if callable(setup):
            try:
                setup(self.config)
            except Exception as error:
                raise FeaturesError("%s: setup(config) failed: %s: %s" % (self.name, type(error).__name__, error)) from None
        self._setup_done = True

    def compute(self, agentview, height, width, wrist, proprio, instruction):
        """agentview: uint8 [H, W, 3] bytes (upright); wrist: (bytes, h, w) or None; proprio:
        9 floats. Returns (float32 bytes [F], F, milliseconds spent in the module)."""
        self.ensure_setup()
        start = time.perf_counter()
        np = _numpy()
        image = _image_arg(agentview, height, width)
        wrist_arg = None if wrist is None else _image_arg(*wrist)
        proprio_arg = np.asarray(proprio, dtype=np.float32) if np is not None else [float(x) for x in proprio]
        try:
            out = self.module.features(image, wrist_arg, proprio_arg, instruction)
        except FeaturesError:
            raise
        except Exception as error:
            raise FeaturesError("%s: features() failed: %s: %s" % (self.name, type(error).__name__, error)) from None
        data, count = _to_float32_bytes(out)
        elapsed_ms = (time.perf_counter() - start) * 1000.0
        if count < 1:
            raise FeaturesError("%s: features() returned an empty vector" % self.name)
        if self.F is None:
            self.F = count
        elif count != self.F:
            raise FeaturesError("%s: features() returned %d values, earlier calls returned %d" % (self.name, count, self.F))
        return data, count, elapsed_ms


def proprio_of(obs_header):
    """The proprio vector handed to a feature module: ee_pos [3], ee_quat [4], gripper_qpos [2]."""
    out = []
    for key in PROPRIO_FIELDS:
        out.extend(float(x) for x in obs_header[key])
    return out
