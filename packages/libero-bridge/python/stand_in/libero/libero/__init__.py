"""STAND-IN for `libero.libero` (tests only): get_libero_path returns synthetic paths."""

import os

if os.environ.get("RSD_LIBERO_STAND_IN_IMPORT_ERROR"):
    # Test hook: LIBERO's first import asks for its config with input(); with no terminal that
    # raises EOFError at libero/libero/__init__.py (as measured on real LIBERO, line 69).
    raise EOFError("EOF when reading a line (stand-in: RSD_LIBERO_STAND_IN_IMPORT_ERROR)")

if os.environ.get("RSD_LIBERO_STAND_IN_PROMPT"):
    # Test hook: LIBERO asks for its data paths with input() on its first import.
    input("stand-in: Do you want to specify a custom path for the dataset folder? (Y/N): ")

_ROOT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "stand_in_assets")


def get_libero_path(query):
    """Same signature as LIBERO's; the folders need not exist for the stand-in."""
    if query not in ("bddl_files", "init_states", "datasets", "assets", "benchmark_root"):
        raise KeyError("stand-in get_libero_path: unknown key %r" % query)
    return os.path.join(_ROOT, query)
