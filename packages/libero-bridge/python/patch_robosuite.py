"""Patches an installed robosuite of the 1.4.1 line so that LIBERO runs on MuJoCo 3.x (3.14
measured). Standard library only; safe to run again (a patch already in place is reported and
left alone).

    python patch_robosuite.py                      # the robosuite this Python imports
    python patch_robosuite.py --robosuite DIR      # DIR = the robosuite package folder
    python patch_robosuite.py --check              # report only; exit 3 if a patch is missing

The patches (each one line, found by its text inside the named function, any indentation):

1. robosuite/utils/binding_utils.py, get_joint_qpos_addr (~line 521) and get_joint_qvel_addr
   (~line 546): `assert joint_type in (mjJNT_HINGE, mjJNT_SLIDE)` compares a numpy int32 with
   MuJoCo's enum, which MuJoCo 3.x answers False, so building any LIBERO env fails with an
   AssertionError (robot.py:162); `int(joint_type)` compares as robosuite meant.
2. robosuite/controllers/base_controller.py, update (~line 156): MuJoCo 3.x has no `data.qM`
   attribute and its `mj_fullM` takes (model, data, dst): the call becomes
   `mujoco.mj_fullM(self.sim.model._model, self.sim.data._data, mass_matrix)` (the raw MuJoCo
   objects behind robosuite's wrappers).

Nothing is half-written: every patch is checked before any file is touched; if one pattern is
not found (neither unpatched nor patched), the script names the file, the function and the
pattern and exits 1 without writing; each changed file is written to a temporary sibling and
renamed over the original (its permissions kept).
"""

import argparse
import importlib.metadata
import importlib.util
import os
import sys
import tempfile

HINGE_OR_SLIDE = "in (mujoco.mjtJoint.mjJNT_HINGE, mujoco.mjtJoint.mjJNT_SLIDE)"

# (file relative to the robosuite package, function the line lives in, unpatched line, patched line)
PATCHES = (
    (
        "utils/binding_utils.py",
        "get_joint_qpos_addr",
        "assert joint_type " + HINGE_OR_SLIDE,
        "assert int(joint_type) " + HINGE_OR_SLIDE,
    ),
    (
        "utils/binding_utils.py",
        "get_joint_qvel_addr",
        "assert joint_type " + HINGE_OR_SLIDE,
        "assert int(joint_type) " + HINGE_OR_SLIDE,
    ),
    (
        "controllers/base_controller.py",
        "update",
        "mujoco.mj_fullM(self.sim.model._model, mass_matrix, self.sim.data.qM)",
        "mujoco.mj_fullM(self.sim.model._model, self.sim.data._data, mass_matrix)",
    ),
)

EXIT_PATTERN_NOT_FOUND = 1
EXIT_CHECK_PENDING = 3


class PatchError(Exception):
    """A file or pattern that is not where this script expects it; nothing has been written."""


def find_robosuite():
    """The folder of the importable `robosuite` package, found without importing it."""
    spec = importlib.util.find_spec("robosuite")
    if spec is None or not spec.submodule_search_locations:
        raise PatchError(
            "robosuite is not installed in this Python (%s): install robosuite==1.4.1 first, "
            "or pass --robosuite DIR" % sys.executable
        )
    return list(spec.submodule_search_locations)[0]


def package_version(root):
    """`__version__` from the package's __init__.py, else its distribution's metadata, else 'unknown'."""
    init = os.path.join(root, "__init__.py")
    if os.path.isfile(init):
        with open(init, encoding="utf-8") as f:
            for line in f:
                if line.startswith("__version__"):
                    return line.split("=", 1)[1].strip().strip("\"'")
    try:
        return importlib.metadata.version("robosuite")
    except importlib.metadata.PackageNotFoundError:
        return "unknown"


def function_span(lines, name):
    """(first, end) line indexes of `def name(` up to the next def at the same or a lower indent."""
    for i, line in enumerate(lines):
        stripped = line.lstrip()
        if stripped.startswith("def %s(" % name):
            indent = len(line) - len(stripped)
            for j in range(i + 1, len(lines)):
                other = lines[j].lstrip()
                if other.startswith(("def ", "class ")) and len(lines[j]) - len(other) <= indent:
                    return i, j
            return i, len(lines)
    return None


def apply_to_lines(lines, path, function, old, new, version):
    """Patches `lines` in place; returns 'applied' or 'already applied', or raises PatchError."""
    span = function_span(lines, function)
    if span is None:
        raise PatchError("%s: function %s() not found" % (path, function))
    for i in range(span[0], span[1]):
        text = lines[i]
        body = text.lstrip()
        indent = text[: len(text) - len(body)]
        content = body.rstrip("\r\n")
        ending = body[len(content):]
        if content == new:
            return "already applied"
        if content == old:
            lines[i] = indent + new + ending
            return "applied"
    raise PatchError(
        "%s: in %s(), neither the line `%s` nor its patched form `%s` was found "
        "(is this robosuite of the 1.4.1 line? its version: %s)" % (path, function, old, new, version)
    )


def write_atomic(path, text):
    """Writes through a temporary file in the same folder and renames it over `path`."""
    folder = os.path.dirname(path)
    mode = os.stat(path).st_mode & 0o7777
    fd, tmp = tempfile.mkstemp(prefix=".patch-robosuite-", dir=folder)
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="") as f:
            f.write(text)
        os.chmod(tmp, mode)
        os.replace(tmp, path)
    except BaseException:
        if os.path.exists(tmp):
            os.unlink(tmp)
        raise


def plan(root):
    """Every patch checked in memory: ([(label, status)], {path: new text of a changed file})."""
    files = {}
    results = []
    version = package_version(root)
    for rel, function, old, new in PATCHES:
        path = os.path.join(root, rel)
        if path not in files:
            if not os.path.isfile(path):
                raise PatchError("%s: no such file (is %s a robosuite 1.4.1 package folder?)" % (path, root))
            with open(path, encoding="utf-8", newline="") as f:
                files[path] = {"lines": f.read().splitlines(keepends=True), "changed": False}
        status = apply_to_lines(files[path]["lines"], path, function, old, new, version)
        files[path]["changed"] = files[path]["changed"] or status == "applied"
        results.append(("robosuite/%s %s(): %s" % (rel, function, new), status))
    changed = {p: "".join(f["lines"]) for p, f in files.items() if f["changed"]}
    return results, changed


def main(argv=None):
    parser = argparse.ArgumentParser(description="Patch robosuite 1.4.1 for MuJoCo 3.x (see the module docstring).")
    parser.add_argument("--robosuite", help="the robosuite package folder (default: the one this Python imports)")
    parser.add_argument("--check", action="store_true", help="write nothing; exit 3 if a patch is not applied yet")
    args = parser.parse_args(argv)
    try:
        root = os.path.abspath(args.robosuite) if args.robosuite else find_robosuite()
        results, changed = plan(root)
    except PatchError as e:
        print("patch_robosuite: error: %s" % e, file=sys.stderr)
        print("patch_robosuite: nothing was written", file=sys.stderr)
        return EXIT_PATTERN_NOT_FOUND
    print("patch_robosuite: robosuite %s at %s" % (package_version(root), root))
    for label, status in results:
        shown = "not applied yet" if args.check and status == "applied" else status
        print("  %-16s %s" % (shown, label))
    if args.check:
        return EXIT_CHECK_PENDING if changed else 0
    for path, text in changed.items():
        write_atomic(path, text)
    print("patch_robosuite: %d file(s) written, %d patch(es) were already in place"
          % (len(changed), sum(1 for _, s in results if s == "already applied")))
    return 0


if __name__ == "__main__":
    sys.exit(main())
