"""STAND-IN for `libero.libero.benchmark` (tests only). Five suites with LIBERO's names and
task counts; libero_spatial carries LIBERO-Spatial's ten instructions, the other suites
synthetic ones. Initial states are deterministic lists of six floats (hand and target
position), 50 per task, derived from a hash of (suite, task, index)."""

import collections
import hashlib
import struct

Task = collections.namedtuple("Task", ["name", "language", "problem", "problem_folder", "bddl_file", "init_states_file"])

_SPATIAL = [
    "pick up the black bowl between the plate and the ramekin and place it on the plate",
    "pick up the black bowl next to the ramekin and place it on the plate",
    "pick up the black bowl from table center and place it on the plate",
    "pick up the black bowl on the cookie box and place it on the plate",
    "pick up the black bowl in the top drawer of the wooden cabinet and place it on the plate",
    "pick up the black bowl on the ramekin and place it on the plate",
    "pick up the black bowl next to the cookie box and place it on the plate",
    "pick up the black bowl on the stove and place it on the plate",
    "pick up the black bowl next to the plate and place it on the plate",
    "pick up the black bowl on the wooden cabinet and place it on the plate",
]
_COUNTS = {"libero_spatial": 10, "libero_object": 10, "libero_goal": 10, "libero_10": 10, "libero_90": 90}
NUM_INIT_STATES = 50


def _unit(*parts):
    """Deterministic float in [0, 1) from the parts."""
    digest = hashlib.sha256("/".join(str(p) for p in parts).encode()).digest()
    return struct.unpack(">Q", digest[:8])[0] / 2.0**64


def _make_suite(suite_name):
    class StandInSuite:
        name = suite_name

        def __init__(self):
            # LIBERO prints here (on stdout); so does the stand-in, so that tests prove the server
            # keeps such output away from the protocol stream.
            print("[info] stand-in: using task order 0 for %s" % suite_name)
            if suite_name == "libero_spatial":
                languages = _SPATIAL
            else:
                languages = ["stand-in task %d of %s" % (i, suite_name) for i in range(_COUNTS[suite_name])]
            self.tasks = [
                Task(
                    name=lang.replace(" ", "_"),
                    language=lang,
                    problem="StandIn",
                    problem_folder=suite_name,
                    bddl_file=lang.replace(" ", "_") + ".bddl",
                    init_states_file=lang.replace(" ", "_") + ".pruned_init",
                )
                for lang in languages
            ]
            self.n_tasks = len(self.tasks)

        def get_num_tasks(self):
            return self.n_tasks

        def get_task_names(self):
            return [t.name for t in self.tasks]

        def get_task(self, i):
            return self.tasks[i]

        def get_task_init_states(self, i):
            states = []
            for k in range(NUM_INIT_STATES):
                # World frame as LIBERO's: table top ~0.9 m up, the hand starts near (-0.21, -0.015, 1.18).
                hand = [c + 0.1 * _unit(suite_name, i, k, "hand", d) - 0.05 for d, c in enumerate((-0.21, -0.015))] + [1.18]
                target = [0.3 * _unit(suite_name, i, k, "target", d) - 0.15 for d in range(2)] + [0.92]
                states.append(hand + target)
            return states

    return StandInSuite


def get_benchmark_dict():
    return {name: _make_suite(name) for name in _COUNTS}
