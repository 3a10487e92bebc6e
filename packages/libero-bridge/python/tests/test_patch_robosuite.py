"""patch_robosuite.py on a fixture copy of robosuite 1.4.1's two patched files (stdlib unittest):
it patches, says so per patch, is idempotent, and writes nothing when a pattern is missing."""

import os
import py_compile
import shutil
import subprocess
import sys
import tempfile
import unittest

HERE = os.path.dirname(os.path.abspath(__file__))
SCRIPT = os.path.join(HERE, "..", "patch_robosuite.py")
FIXTURE = os.path.join(HERE, "fixtures", "robosuite_1_4_1")
BINDING = os.path.join("utils", "binding_utils.py")
CONTROLLER = os.path.join("controllers", "base_controller.py")


def run(*args):
    return subprocess.run(
        [sys.executable, SCRIPT, *args],
        capture_output=True,
        text=True,
        env={**os.environ, "PYTHONDONTWRITEBYTECODE": "1"},
        check=False,
    )


def read(root, rel):
    with open(os.path.join(root, rel), encoding="utf-8") as f:
        return f.read()


class PatchRobosuiteTest(unittest.TestCase):
    def setUp(self):
        self.tmp = tempfile.mkdtemp(prefix="patch-robosuite-")
        self.root = os.path.join(self.tmp, "robosuite")
        shutil.copytree(FIXTURE, self.root)

    def tearDown(self):
        shutil.rmtree(self.tmp)

    def test_patches_each_line_then_reports_them_already_applied(self):
        first = run("--robosuite", self.root)
        self.assertEqual(first.returncode, 0, first.stderr)
        self.assertEqual(first.stdout.count("applied          "), 3, first.stdout)
        self.assertIn("robosuite 1.4.1 at", first.stdout)
        self.assertIn("get_joint_qpos_addr()", first.stdout)
        self.assertIn("get_joint_qvel_addr()", first.stdout)
        binding = read(self.root, BINDING)
        self.assertEqual(binding.count("assert int(joint_type) in (mujoco.mjtJoint.mjJNT_HINGE, mujoco.mjtJoint.mjJNT_SLIDE)"), 2)
        self.assertNotIn("assert joint_type in", binding)
        controller = read(self.root, CONTROLLER)
        self.assertIn("            mujoco.mj_fullM(self.sim.model._model, self.sim.data._data, mass_matrix)\n", controller)
        self.assertNotIn("self.sim.data.qM", controller)
        for rel in (BINDING, CONTROLLER):
            py_compile.compile(os.path.join(self.root, rel), cfile=os.path.join(self.tmp, "x.pyc"), doraise=True)

        before = {rel: read(self.root, rel) for rel in (BINDING, CONTROLLER)}
        second = run("--robosuite", self.root)
        self.assertEqual(second.returncode, 0, second.stderr)
        self.assertEqual(second.stdout.count("already applied"), 3, second.stdout)
        self.assertIn("0 file(s) written", second.stdout)
        self.assertEqual({rel: read(self.root, rel) for rel in (BINDING, CONTROLLER)}, before)
        self.assertEqual(run("--robosuite", self.root, "--check").returncode, 0)

    def test_check_writes_nothing_and_exits_3_while_patches_are_missing(self):
        before = read(self.root, BINDING)
        r = run("--robosuite", self.root, "--check")
        self.assertEqual(r.returncode, 3, r.stderr)
        self.assertEqual(r.stdout.count("not applied yet"), 3)
        self.assertEqual(read(self.root, BINDING), before)

    def test_a_missing_pattern_names_file_function_and_pattern_and_writes_nothing(self):
        path = os.path.join(self.root, CONTROLLER)
        with open(path, encoding="utf-8") as f:
            text = f.read()
        with open(path, "w", encoding="utf-8") as f:
            f.write(text.replace("self.sim.data.qM)", "self.sim.data.qM, 1)"))
        binding_before = read(self.root, BINDING)
        r = run("--robosuite", self.root)
        self.assertEqual(r.returncode, 1)
        self.assertIn(CONTROLLER, r.stderr)
        self.assertIn("in update()", r.stderr)
        self.assertIn("mujoco.mj_fullM(self.sim.model._model, mass_matrix, self.sim.data.qM)", r.stderr)
        self.assertIn("nothing was written", r.stderr)
        # binding_utils.py's patterns were found, but it is not written either: all or nothing
        self.assertEqual(read(self.root, BINDING), binding_before)
        self.assertEqual(sorted(os.listdir(os.path.dirname(path))), ["base_controller.py"])

    def test_a_folder_that_is_not_robosuite_is_refused(self):
        r = run("--robosuite", self.tmp)
        self.assertEqual(r.returncode, 1)
        self.assertIn("no such file", r.stderr)

    def test_keeps_the_file_mode(self):
        path = os.path.join(self.root, BINDING)
        os.chmod(path, 0o640)
        self.assertEqual(run("--robosuite", self.root).returncode, 0)
        self.assertEqual(os.stat(path).st_mode & 0o777, 0o640)


if __name__ == "__main__":
    unittest.main()
