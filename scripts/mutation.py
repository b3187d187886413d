"""Mutation testing of the core with mutmut: the share of mutants each module's tests kill.

Usage:
    python scripts/mutation.py                 # every module below (hours on 2 CPU cores)
    python scripts/mutation.py losses layers   # some of them
    python scripts/mutation.py --list          # the modules and their tests

For each module, the package is copied to a scratch folder (nothing here is
touched), mutmut (3.x) mutates the module's source and runs the tests that
cover it, and the killed share is printed: killed / (killed + survived +
mutants no selected test reaches). Timeouts count as killed, as mutmut counts
them. Surviving mutants are listed with `mutmut show NAME` in the scratch
folder, which is kept (its path is printed). Goals: 90 % in losses, tricks and
layers; 80 % in the step. This is a separate command, not part of `pytest`.
"""

import argparse
import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))

#: module: (source paths mutated, tests run against them, goal)
MODULES = {
    "losses": (["keras_gan/losses/"], ["tests/losses/"], 0.90),
    "layers": (["keras_gan/layers/"], ["tests/layers/"], 0.90),
    "tricks": (["keras_gan/tricks/"], ["tests/tricks/"], 0.90),
    "step": (["keras_gan/backend/algorithm.py", "keras_gan/schedules/", "keras_gan/models/base.py",
              "keras_gan/models/gan.py"],
             ["tests/schedules/", "tests/models/test_gan.py", "tests/backend/test_failed_step.py"], 0.80),
}


def config(sources, tests):
    return "\n".join([
        "",
        "[tool.mutmut]",
        f"source_paths = {json.dumps(sources)}",
        f"pytest_add_cli_args_test_selection = {json.dumps(tests)}",
        # The project's addopts (doctests over the package, durations) are dropped: only the selected tests run.
        'pytest_add_cli_args = ["-p", "no:cacheprovider", "-q", "-x", "-o", "addopts=", "-m", "not slow"]',
        'also_copy = ["keras_gan/", "tests/", "conftest.py", "examples/", "scripts/"]',
        "",
    ])


def scratch_copy():
    folder = tempfile.mkdtemp(prefix="keras_gan_mutation_")
    files = subprocess.run(["git", "ls-files", "-z"], cwd=ROOT, capture_output=True, check=True).stdout
    for name in filter(None, files.decode().split("\0")):
        target = os.path.join(folder, name)
        os.makedirs(os.path.dirname(target), exist_ok=True)
        if os.path.isfile(os.path.join(ROOT, name)):
            shutil.copy2(os.path.join(ROOT, name), target)
    return folder


#: Appended to the scratch copy's root conftest.py. mutmut 3.8 replaces each function with a trampoline taking
#: `(*args, **kwargs)`, made with `functools.wraps`, so `inspect.signature` still finds the original through
#: `__wrapped__`; `inspect.getfullargspec` does not follow `__wrapped__`, and Keras's `Operation.__new__` reads
#: a layer's `__init__` through it (IndexError on every Keras layer that mutmut touched). This makes it
#: unwrap first, as `inspect.signature` does.
ARGSPEC_PATCH = """

import inspect as _inspect
import types as _types

_getfullargspec = _inspect.getfullargspec


def _unwrapped_argspec(func):
    if isinstance(func, _types.MethodType):
        return _getfullargspec(_types.MethodType(_inspect.unwrap(func.__func__), func.__self__))
    return _getfullargspec(_inspect.unwrap(func))


_inspect.getfullargspec = _unwrapped_argspec
"""


def run(module, timeout):
    sources, tests, goal = MODULES[module]
    folder = scratch_copy()
    with open(os.path.join(folder, "conftest.py"), "a") as f:
        f.write(ARGSPEC_PATCH)
    with open(os.path.join(folder, "pyproject.toml"), "a") as f:
        f.write(config(sources, tests))
    env = dict(os.environ, KERAS_BACKEND="tensorflow", TF_CPP_MIN_LOG_LEVEL="3")
    partial = ""
    process = subprocess.Popen(["mutmut", "run"], cwd=folder, env=env, stdout=subprocess.DEVNULL,
                               start_new_session=True)
    try:
        process.wait(timeout=timeout)
    except subprocess.TimeoutExpired:  # stop mutmut and its forked workers; score the mutants it finished
        os.killpg(process.pid, signal.SIGKILL)
        process.wait()
        partial = f" (PARTIAL: stopped after {timeout:.0f} s; mutants not yet run are not counted)"
    subprocess.run(["mutmut", "export-cicd-stats"], cwd=folder, env=env, stdout=subprocess.DEVNULL, check=True)
    with open(os.path.join(folder, "mutants", "mutmut-cicd-stats.json")) as f:
        stats = json.load(f)
    killed = stats.get("killed", 0) + stats.get("timeout", 0)
    reached = killed + stats.get("survived", 0) + stats.get("no_tests", 0)
    if not reached:
        print(f"{module:7s} mutmut ran no mutant: its test run failed before mutating (see `cd {folder} && mutmut "
              "run`; docs/reliability.md, Mutation testing, says how Keras's signatures were kept readable).",
              flush=True)
        return float("nan")
    share = killed / reached
    print(f"{module:7s} killed {killed} of {reached} ({share:.1%}; goal {goal:.0%}); survived "
          f"{stats.get('survived', 0)}, no test reaches {stats.get('no_tests', 0)}, suspicious "
          f"{stats.get('suspicious', 0)}{partial}; details: cd {folder} && mutmut results", flush=True)
    return share


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("modules", nargs="*", default=list(MODULES))
    parser.add_argument("--list", action="store_true")
    parser.add_argument("--timeout", type=float, default=6 * 3600, help="seconds per module")
    args = parser.parse_args(argv)
    unknown = [m for m in args.modules if m not in MODULES]
    if unknown:
        parser.error(f"unknown module(s) {', '.join(unknown)}; choose from {', '.join(MODULES)}")
    if args.list:
        for name, (sources, tests, goal) in MODULES.items():
            print(f"{name}: {' '.join(sources)} <- {' '.join(tests)} (goal {goal:.0%})")
        return 0
    if shutil.which("mutmut") is None:
        sys.exit("mutmut is not installed: pip install 'mutmut>=3.8'")
    for module in args.modules:
        run(module, args.timeout)
    return 0


if __name__ == "__main__":
    sys.exit(main())
