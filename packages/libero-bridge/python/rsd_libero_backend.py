"""The LIBERO side of the RSD bridge server: suites, tasks, initial states and one live
episode, on top of LIBERO's ``benchmark`` and ``OffScreenRenderEnv``.

Only the standard library is imported here; ``libero`` (and, through it, torch and numpy) is
imported when a LiberoBackend is created. Observations leave this module as plain Python:
images as upright ``uint8 [H, W, 3]`` bytes (LIBERO renders upside down; they are rotated 180
degrees here), vectors as lists of floats.
"""

import inspect
import math
import os

# Step limits of LIBERO's own evaluation scripts, per suite.
SUITE_MAX_STEPS = {
    "libero_spatial": 220,
    "libero_object": 280,
    "libero_goal": 300,
    "libero_10": 520,
    "libero_90": 400,
}
CONTROL_HZ = 20
ACTION_DIM = 7


class ClientError(Exception):
    """A mistake of the client (unknown task, bad action...): replied with a BridgeErrorCode."""

    def __init__(self, code, message):
        super().__init__(message)
        self.code = code


def _load_init_states(suite, task_id):
    """suite.get_task_init_states(i), with torch.load defaulting to weights_only=False while it
    runs: LIBERO's init files hold numpy arrays, which torch >= 2.6 refuses by default."""
    try:
        import torch
    except ModuleNotFoundError:
        return suite.get_task_init_states(task_id)
    original = torch.load
    if "weights_only" not in inspect.signature(original).parameters:
        return suite.get_task_init_states(task_id)

    def load(*args, **kwargs):
        kwargs.setdefault("weights_only", False)
        return original(*args, **kwargs)

    torch.load = load
    try:
        return suite.get_task_init_states(task_id)
    finally:
        torch.load = original


def rotate_180(raw, height, width):
    """raw: uint8 [H, W, 3] bytes, row-major → the same image turned 180 degrees."""
    if len(raw) != height * width * 3:
        raise ValueError("image has %d bytes, expected %d" % (len(raw), height * width * 3))
    reversed_bytes = raw[::-1]
    out = bytearray(len(raw))
    out[0::3] = reversed_bytes[2::3]
    out[1::3] = reversed_bytes[1::3]
    out[2::3] = reversed_bytes[0::3]
    return bytes(out)


def _image(obs, key):
    img = obs[key]
    shape = tuple(int(d) for d in img.shape)
    if len(shape) != 3 or shape[2] != 3 or str(img.dtype) != "uint8":
        raise RuntimeError("observation %r is %s %r, expected uint8 [H, W, 3]" % (key, img.dtype, shape))
    return shape, rotate_180(img.tobytes(), shape[0], shape[1])


def _vector(obs, key, length):
    values = [float(x) for x in obs[key]]
    if len(values) != length or not all(math.isfinite(v) for v in values):
        raise RuntimeError("observation %r is %r, expected %d finite numbers" % (key, values, length))
    return values


def _as_env_action(values):
    try:
        import numpy
    except ModuleNotFoundError:
        return list(values)
    return numpy.asarray(values, dtype=numpy.float64)


def _index(value, limit, code, what):
    if not isinstance(value, int) or isinstance(value, bool) or not 0 <= value < limit:
        raise ClientError(code, "%s %r is out of range [0, %d)" % (what, value, limit))
    return value


class LiberoBackend:
    """Owns at most one OffScreenRenderEnv (for the last task and camera size) and one episode."""

    def __init__(self):
        from libero.libero import benchmark, get_libero_path
        from libero.libero.envs import OffScreenRenderEnv

        self._env_class = OffScreenRenderEnv
        self._bddl_root = get_libero_path("bddl_files")
        available = benchmark.get_benchmark_dict()
        self._suite_classes = {name: available[name] for name in SUITE_MAX_STEPS if name in available}
        self._suites = {}
        self._init_states = {}
        self._env = None
        self._env_key = None
        self.episode = None

    def _suite(self, name):
        if name not in self._suite_classes:
            raise ClientError("UNKNOWN_SUITE", "unknown suite %r; this server has %s" % (name, sorted(self._suite_classes)))
        if name not in self._suites:
            self._suites[name] = self._suite_classes[name]()
        return self._suites[name]

    def _states(self, suite_name, task_id):
        key = (suite_name, task_id)
        if key not in self._init_states:
            self._init_states[key] = _load_init_states(self._suite(suite_name), task_id)
        return self._init_states[key]

    def list_suites(self):
        out = []
        for name in self._suite_classes:
            suite = self._suite(name)
            tasks = []
            for i in range(suite.n_tasks):
                task = suite.get_task(i)
                tasks.append(
                    {"id": i, "name": task.name, "instruction": task.language, "num_init_states": len(self._states(name, i))}
                )
            out.append({"name": name, "max_steps": SUITE_MAX_STEPS[name], "control_hz": CONTROL_HZ, "tasks": tasks})
        return out

    def reset(self, suite_name, task_id, init_state, seed, height, width):
        suite = self._suite(suite_name)
        _index(task_id, suite.n_tasks, "UNKNOWN_TASK", "task id")
        states = self._states(suite_name, task_id)
        _index(init_state, len(states), "UNKNOWN_INIT_STATE", "initial state")
        if not isinstance(seed, int) or isinstance(seed, bool):
            raise ClientError("PROTOCOL_ERROR", "seed must be an integer, got %r" % (seed,))
        for what, size in (("camera_height", height), ("camera_width", width)):
            if not isinstance(size, int) or isinstance(size, bool) or not 1 <= size <= 4096:
                raise ClientError("PROTOCOL_ERROR", "%s must be an integer in [1, 4096], got %r" % (what, size))
        self.episode = None
        key = (suite_name, task_id, height, width)
        if self._env_key != key:
            self.close_env()
            task = suite.get_task(task_id)
            bddl = os.path.join(self._bddl_root, task.problem_folder, task.bddl_file)
            self._env = self._env_class(bddl_file_name=bddl, camera_heights=height, camera_widths=width)
            self._env_key = key
        self._env.seed(seed)
        self._env.reset()
        obs = self._env.set_init_state(states[init_state])
        self.episode = {
            "suite": suite_name,
            "task_id": task_id,
            "init_state": init_state,
            "seed": seed,
            "step": 0,
            "instruction": suite.get_task(task_id).language,
        }
        return self.observation(obs)

    def step(self, action):
        if self.episode is None:
            raise ClientError("EPISODE_NOT_STARTED", "step before reset: no episode is running")
        if not isinstance(action, list) or len(action) != ACTION_DIM:
            raise ClientError("INVALID_ACTION", "action must be a list of %d numbers" % ACTION_DIM)
        clipped = []
        for i, v in enumerate(action):
            if not isinstance(v, (int, float)) or isinstance(v, bool) or not math.isfinite(v):
                raise ClientError("INVALID_ACTION", "action[%d] must be a finite number, got %r" % (i, v))
            clipped.append(min(1.0, max(-1.0, float(v))))
        self.episode["step"] += 1
        obs, reward, done, _info = self._env.step(_as_env_action(clipped))
        success = bool(self._env.check_success())
        reward = float(reward)
        if not math.isfinite(reward):
            raise RuntimeError("environment returned a non-finite reward %r" % reward)
        return {"reward": reward, "done": bool(done) or success, "success": success}, self.observation(obs)

    @staticmethod
    def observation(obs):
        """LIBERO observation dict → (obs header dict, [blobs])."""
        header = {
            "ee_pos": _vector(obs, "robot0_eef_pos", 3),
            "ee_quat": _vector(obs, "robot0_eef_quat", 4),
            "gripper_qpos": _vector(obs, "robot0_gripper_qpos", 2),
        }
        blobs = []
        for key, name in (("agentview_image", "agentview_rgb"), ("robot0_eye_in_hand_image", "eye_in_hand_rgb")):
            if key in obs:
                shape, data = _image(obs, key)
                blobs.append((name, "uint8", shape, data))
        return header, blobs

    def close_env(self):
        self.episode = None
        env, self._env, self._env_key = self._env, None, None
        if env is not None:
            env.close()
