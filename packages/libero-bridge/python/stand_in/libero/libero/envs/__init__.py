"""STAND-IN for `libero.libero.envs` (tests only): an OffScreenRenderEnv with LIBERO's method
names and observation keys and a trivial, deterministic point-hand "simulation".

State: hand position (metres, world frame as LIBERO's: table top ~0.9 m up, the hand starts
near (-0.21, -0.015, 1.18)), yaw (radians), gripper opening, target position. A step moves
the hand by 0.02 m and the yaw by 0.05 rad per action unit; gripper > 0 closes. Success: hand
within 0.03 m of the target with the gripper closed. As measured on real LIBERO: images are
rendered UPSIDE DOWN (upright, red grows down the rows, green across the columns, blue encodes
the state); finger joints are (left +, right -), about +-0.039 open and +-0.001 closed;
robot0_eef_quat is (x, y, z, w) in the Panda's hand frame, (1, 0, 0, 0) with the hand pointing
down (180 degrees about x), turned about world z by the yaw; stepping after success is accepted,
only a step past robosuite's 1000-step horizon is refused.
"""

import math
import os
import sys

HORIZON = 1000  # robosuite's default horizon, LIBERO's too


_RESET_STATE = [-0.21, -0.015, 1.18, 0.1, 0.1, 0.92]


class StandInImage:
    """The subset of a numpy uint8 [H, W, 3] array the server uses: shape, dtype, tobytes()."""

    dtype = "uint8"

    def __init__(self, height, width, data):
        self.shape = (height, width, 3)
        self._data = bytes(data)

    def tobytes(self):
        return self._data


_PATTERNS = {}


def _render(height, width, blue, swap):
    """Upside-down rendering of the upright gradient pattern (the pattern is cached per size)."""
    key = (height, width, swap)
    if key not in _PATTERNS:
        out = bytearray(height * width * 3)
        i = 0
        for raw_row in range(height):
            row = height - 1 - raw_row
            red = (255 * row) // max(1, height - 1)
            for raw_col in range(width):
                col = width - 1 - raw_col
                green = (255 * col) // max(1, width - 1)
                out[i], out[i + 1] = (green, red) if swap else (red, green)
                i += 3
        _PATTERNS[key] = out
    out = bytearray(_PATTERNS[key])
    out[2::3] = bytes([blue]) * (height * width)
    return StandInImage(height, width, out)


def _hook(name):
    value = os.environ.get(name)
    return int(value) if value else None


class OffScreenRenderEnv:
    def __init__(self, bddl_file_name, camera_heights=128, camera_widths=128, **_kwargs):
        self.bddl_file_name = bddl_file_name
        self.height = camera_heights
        self.width = camera_widths
        self._seed = 0
        self._closed = False
        # Renderers and simulators write to file descriptor 1 directly, below Python's sys.stdout.
        os.write(1, b"stand-in: creating environment (raw write to fd 1)\n")
        self._set_state(_RESET_STATE)

    def _set_state(self, state):
        self.hand = [float(v) for v in state[0:3]]
        self.target = [float(v) for v in state[3:6]]
        self.yaw = 0.0
        self.gripper = 0.078  # opening; fingers at +-0.039 as LIBERO's open Panda gripper
        self.steps = 0
        self.done = False

    def seed(self, seed):
        self._seed = int(seed)

    def reset(self):
        self._set_state(_RESET_STATE)
        return self._obs()

    def set_init_state(self, init_state):
        self._set_state(init_state)
        return self._obs()

    def check_success(self):
        return self.gripper < 0.01 and math.dist(self.hand, self.target) < 0.03

    def step(self, action):
        if self._closed:
            raise RuntimeError("stand-in: step on a closed environment")
        if self.steps >= HORIZON:
            # robosuite refuses only at its horizon; success does not end the episode for it
            raise ValueError("executing action in terminated episode")
        if len(action) != 7:
            raise ValueError("stand-in: action dimension %d, expected 7" % len(action))
        self.steps += 1
        if _hook("RSD_LIBERO_STAND_IN_EXIT_AT_STEP") == self.steps:
            sys.stderr.write("stand-in: exiting at step %d as RSD_LIBERO_STAND_IN_EXIT_AT_STEP asks\n" % self.steps)
            sys.stderr.flush()
            os._exit(3)
        if _hook("RSD_LIBERO_STAND_IN_FAIL_AT_STEP") == self.steps:
            raise RuntimeError("stand-in: simulated physics failure at step %d" % self.steps)
        a = [min(1.0, max(-1.0, float(v))) for v in action]
        self.hand = [h + 0.02 * d for h, d in zip(self.hand, a[0:3])]
        self.yaw += 0.05 * a[5]
        self.gripper = 0.002 if a[6] > 0 else 0.078
        success = self.check_success()
        self.done = success
        return self._obs(), (1.0 if success else 0.0), success, {}

    def _obs(self):
        mix = sum(int(round(v * 1000)) for v in self.hand) + 7 * self.steps + 31 * self._seed + int(self.gripper * 100)
        blue = mix % 256
        return {
            "agentview_image": _render(self.height, self.width, blue, swap=False),
            "robot0_eye_in_hand_image": _render(self.height, self.width, blue, swap=True),
            "robot0_eef_pos": list(self.hand),
            # Rz(yaw) * Rx(180 deg) as (x, y, z, w): the hand points down, as the Panda's at rest
            "robot0_eef_quat": [math.cos(self.yaw / 2), math.sin(self.yaw / 2), 0.0, 0.0],
            "robot0_gripper_qpos": [self.gripper / 2, -self.gripper / 2],
        }

    def close(self):
        self._closed = True
