"""rsd_libero_features: --features-config parsing and the FeatureProvider contract (stdlib unittest)."""

import os
import struct
import sys
import tempfile
import unittest

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, ".."))

from rsd_libero_features import FeatureProvider, FeaturesError, parse_config, proprio_of  # noqa: E402

STAND_IN = os.path.join(HERE, "..", "features", "stand_in_features.py")


def module(text):
    f = tempfile.NamedTemporaryFile("w", suffix=".py", delete=False)
    f.write(text)
    f.close()
    return f.name


class ConfigTest(unittest.TestCase):
    def test_inline_file_and_absent(self):
        self.assertEqual(parse_config(None), {})
        self.assertEqual(parse_config(' {"a": 1}'), {"a": 1})
        path = module('{"checkpoint": "x"}')
        self.assertEqual(parse_config(path), {"checkpoint": "x"})

    def test_bad_config_is_a_features_error(self):
        for text in ("{not json", "/no/such/file.json", "[1]"):
            with self.assertRaises(FeaturesError):
                parse_config(text if text != "[1]" else module("[1]"))


class ProviderTest(unittest.TestCase):
    def test_stand_in_returns_float32_bytes_and_time(self):
        p = FeatureProvider(STAND_IN, {"scale": 2})
        data, count, ms = p.compute(bytes(range(48)), 4, 4, None, list(range(9)), "go")
        self.assertEqual(count, 12)
        values = struct.unpack("<12f", data)
        self.assertAlmostEqual(values[7], 0.0)
        self.assertAlmostEqual(values[10], 2 * 36.0)
        self.assertGreaterEqual(ms, 0.0)

    def test_module_errors_name_the_module(self):
        with self.assertRaisesRegex(FeaturesError, "defines no features"):
            FeatureProvider(module("x = 1\n"), {})
        with self.assertRaisesRegex(FeaturesError, "no such file"):
            FeatureProvider("/no/such/module.py", {})
        p = FeatureProvider(module("import math\ndef features(a, w, p, i):\n    return [math.nan]\n"), {})
        with self.assertRaisesRegex(FeaturesError, "NaN"):
            p.compute(bytes(3), 1, 1, None, [0.0] * 9, "x")
        calls = module("n = [0]\ndef features(a, w, p, i):\n    n[0] += 1\n    return [0.0] * n[0]\n")
        p = FeatureProvider(calls, {})
        p.compute(bytes(3), 1, 1, None, [0.0] * 9, "x")
        with self.assertRaisesRegex(FeaturesError, "returned 2 values, earlier calls returned 1"):
            p.compute(bytes(3), 1, 1, None, [0.0] * 9, "x")

    def test_setup_runs_once(self):
        p = FeatureProvider(module("n = [0]\ndef setup(c):\n    n[0] += 1\ndef features(a, w, p, i):\n    return [float(n[0])]\n"), {})
        for _ in range(3):
            data, _, _ = p.compute(bytes(3), 1, 1, None, [0.0] * 9, "x")
        self.assertEqual(struct.unpack("<f", data), (1.0,))

    def test_proprio_order(self):
        self.assertEqual(proprio_of({"ee_pos": [1, 2, 3], "ee_quat": [4, 5, 6, 7], "gripper_qpos": [8, 9]}), [float(x) for x in range(1, 10)])


if __name__ == "__main__":
    unittest.main()
