"""The stand-in keeps what was measured on real LIBERO (8f1084e, robosuite 1.4.1): world-frame
positions, finger signs and scale, the hand frame, upside-down renders, a step after success
accepted (stdlib unittest)."""

import os
import sys
import unittest

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "stand_in"))

from libero.libero.envs import HORIZON, OffScreenRenderEnv  # noqa: E402


class StandInAsLiberoTest(unittest.TestCase):
    def setUp(self):
        self.env = OffScreenRenderEnv(bddl_file_name="x.bddl", camera_heights=4, camera_widths=4)

    def test_reset_is_world_frame_with_liberos_finger_signs(self):
        obs = self.env.reset()
        self.assertEqual(obs["robot0_eef_pos"], [-0.21, -0.015, 1.18])
        left, right = obs["robot0_gripper_qpos"]
        self.assertAlmostEqual(left, 0.039)
        self.assertAlmostEqual(right, -0.039)
        self.assertEqual(obs["robot0_eef_quat"], [1.0, 0.0, 0.0, 0.0])  # (x, y, z, w): hand down

    def test_a_closed_gripper_holding_nothing_reads_about_one_millimetre(self):
        self.env.reset()
        obs, _reward, _done, _ = self.env.step([0, 0, 0, 0, 0, 0, 1])
        left, right = obs["robot0_gripper_qpos"]
        self.assertAlmostEqual(left, 0.001)
        self.assertAlmostEqual(right, -0.001)

    def test_a_step_after_success_is_accepted_and_the_horizon_refused(self):
        self.env.set_init_state([0.0, 0.0, 0.92, 0.0, 0.0, 0.92])
        _obs, reward, done, _ = self.env.step([0, 0, 0, 0, 0, 0, 1])
        self.assertTrue(done)
        self.assertEqual(reward, 1.0)
        _obs, reward, done, _ = self.env.step([0, 0, 0, 0, 0, 0, 1])  # accepted, as robosuite does
        self.assertTrue(self.env.check_success())
        for _ in range(HORIZON - 2):
            self.env.step([0, 0, 0, 0, 0, 0, 1])
        with self.assertRaisesRegex(ValueError, "terminated episode"):
            self.env.step([0, 0, 0, 0, 0, 0, 1])


if __name__ == "__main__":
    unittest.main()
