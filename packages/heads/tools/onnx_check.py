"""Runs onnx.checker (full check, with shape inference) on ONNX files or bundle folders.

    /usr/bin/python3 tools/onnx_check.py /tmp/bundle models/heads/main.onnx

Needs the `onnx` Python package (Debian: apt-get install python3-onnx; 1.12 knows opset 17).
Exit code 1 when any model fails.
"""
import glob
import os
import sys

import onnx


def main(paths):
    files = []
    for p in paths:
        files += sorted(glob.glob(os.path.join(p, "*.onnx"))) if os.path.isdir(p) else [p]
    failed = 0
    for f in files:
        try:
            m = onnx.load(f)
            onnx.checker.check_model(m, full_check=True)
            ins = ", ".join(i.name for i in m.graph.input)
            outs = ", ".join(o.name for o in m.graph.output)
            print(f"ok   {f}  (IR {m.ir_version}, opset {m.opset_import[0].version}; {ins} -> {outs})")
        except Exception as e:  # report every file, then fail
            failed += 1
            print(f"FAIL {f}: {e}")
    return 1 if failed or not files else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
