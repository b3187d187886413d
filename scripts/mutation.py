"""Mutation testing of the core with mutmut: the share of mutants each module's tests kill.

Usage:
    python scripts/mutation.py                 # every module below (hours on 2 CPU cores)
    python scripts/mutation.py losses layers   # some of them
    python scripts/mutation.py --list          # the modules and their tests
    python scripts/mutation.py step --sample 400 --timeout 3600   # a uniform sample (tricks, step: hours whole)
    python scripts/mutation.py step --recheck FOLDER --sample 400 --survivors   # after writing tests

For each module, the package is copied to a scratch folder (nothing here is
touched), mutmut (3.x) mutates the module's source and runs the tests that
cover it, and the killed share is printed: killed / (killed + survived +
mutants no selected test reaches). mutmut forks its mutant runs from a process
that has already run TensorFlow, and a forked TensorFlow can hang: a mutant
the tests pass was reported as a timeout (which mutmut counts as killed). So
every mutant mutmut timed out is run again alone, in a fresh interpreter, on
the tests that cover its function, and counted by that run: killed if they
fail, survived if they pass, a timeout only if it still runs past the limit
(`--recheck-limit`, seconds). Surviving mutants are listed with `mutmut show NAME` in the scratch
folder, which is kept (its path is printed). Goals: 90 % in losses, tricks and
layers; 80 % in the step. This is a separate command, not part of `pytest`.
"""

import argparse
import collections
import filecmp
import glob
import hashlib
import json
import math
import os
import random
import shutil
import signal
import subprocess
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
ENV = dict(os.environ, KERAS_BACKEND="tensorflow", TF_CPP_MIN_LOG_LEVEL="3")

#: module: (source paths mutated, tests run against them, goal)
MODULES = {
    "losses": (["keras_gan/losses/"], ["tests/losses/"], 0.90),
    "layers": (["keras_gan/layers/"], ["tests/layers/"], 0.90),
    "tricks": (["keras_gan/tricks/"], ["tests/tricks/"], 0.90),
    "step": (["keras_gan/backend/algorithm.py", "keras_gan/schedules/", "keras_gan/models/base.py",
              "keras_gan/models/gan.py"],
             # (not tests/backend/test_failed_step.py: its steps run in subprocesses, which mutmut's stats, and so
             # the tests found covering each function, do not see)
             ["tests/models/test_step_hooks.py", "tests/schedules/", "tests/models/test_gan.py"], 0.80),
}

#: Where a module's files hold more than it is about, the functions that are its population (the others' mutants
#: are not made part of its score). The step: every function of the algorithm and the schedules, and the step
#: hooks of the models (not saving, exporting, plotting or generating on request).
FUNCTIONS = {
    "step": {
        "keras_gan.models.base": ["_make_schedule", "player_networks", "player_variables", "optimizer_for",
                                  "discriminator_steps", "d_step_counter", "set_discriminator_steps",
                                  "prepare_step", "sample_latent", "generate_batch", "discriminate",
                                  "call_discriminator", "discriminator_objective", "generator_objective",
                                  "compute_discriminator_loss", "compute_generator_loss", "finish_loss",
                                  "update_gate", "record_step_losses", "after_discriminator_update",
                                  "after_generator_update", "train_step", "test_step"],
        "keras_gan.models.gan": ["player_networks", "discriminator_statistics", "prepare_step", "sample_latent",
                                 "sample_latent_vectors", "_next_stream_seed", "generate_batch",
                                 "discriminator_objective", "generator_objective"],
    },
}


def in_population(module, name):
    """Whether the mutant `name` (mutmut's `package.module.xǁClassǁmethod__mutmut_N` or
    `package.module.x_function__mutmut_N`) belongs to `module`'s population (see FUNCTIONS)."""
    chosen = FUNCTIONS.get(module, {})
    path, _, rest = name.rpartition(".x")
    if path not in chosen:
        return True
    function = rest.rsplit("__mutmut_", 1)[0]
    function = function.rsplit("\u01c1", 1)[-1] if "\u01c1" in function else function[1:]
    return function in chosen[path]


#: pytest's options for every mutant run: the project's addopts (doctests over the package, durations) dropped,
#: only the selected tests, stopping at the first failure.
PYTEST_ARGS = ["-p", "no:cacheprovider", "-q", "-x", "-o", "addopts=", "-m", "not slow"]

#: mutmut's exit codes for a timeout (its own, and SIGXCPU's), and the one written for a timeout confirmed alone.
TIMEOUTS = (36, -24, 24, 152, 255)
TIMEOUT = 36


def config(sources, tests, only=(), isolation="forkserver"):
    return "\n".join([
        "",
        "[tool.mutmut]",
        f"source_paths = {json.dumps(sources)}",
        *([f"only_mutate = {json.dumps(list(only))}"] if only else []),
        # Each mutant's run is forked from a server that has only collected the tests, not one that has run
        # TensorFlow: a fork of a process whose TensorFlow runtime has started can hang in its first graph.
        f'process_isolation = "{isolation}"',
        f"pytest_add_cli_args_test_selection = {json.dumps(tests)}",
        # The project's addopts (doctests over the package, durations) are dropped: only the selected tests run.
        f"pytest_add_cli_args = {json.dumps(PYTEST_ARGS)}",
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


#: A recheck worker: a fresh interpreter (no fork) that runs pytest in-process once per mutant, switching
#: mutmut's `MUTANT_UNDER_TEST` between runs (its trampolines read it at every call), and appends one line of
#: JSON per verdict to its output file. `python -c WORKER JOBS OUT`, JOBS a JSON list of [mutant, tests].
WORKER = """
import contextlib, io, json, os, sys
import pytest
jobs, out = json.load(open(sys.argv[1])), sys.argv[2]
for name, tests in jobs:
    os.environ["MUTANT_UNDER_TEST"] = name
    with contextlib.redirect_stdout(io.StringIO()), contextlib.redirect_stderr(io.StringIO()):
        code = int(pytest.main(PYTEST_ARGS + tests))
    with open(out, "a") as f:
        f.write(json.dumps([name, code]) + "\\n")
""".replace("PYTEST_ARGS", repr(PYTEST_ARGS))


def _run_workers(mutants, jobs, env, limit, workers=2, batch=150, deadline=None):
    """`{mutant: exit code}` for `jobs` ([mutant, tests] pairs), run by `workers` WORKER processes in `mutants`,
    each a fresh interpreter for at most `batch` mutants. A worker that reports nothing for `limit` seconds is
    killed: its current mutant counts as a timeout (a worker that dies, as an error) and a new one goes on."""
    verdicts = {}
    lanes = [jobs[i::workers] for i in range(workers)]
    scratch = tempfile.mkdtemp(prefix="recheck_", dir=mutants)
    started = 0

    def start(lane):
        nonlocal started
        queue, lanes[lane] = lanes[lane][:batch], lanes[lane][batch:]
        jobs_path, out_path = os.path.join(scratch, f"jobs{started}.json"), os.path.join(scratch, f"out{started}.jsonl")
        started += 1
        with open(jobs_path, "w") as f:
            json.dump(queue, f)
        open(out_path, "w").close()
        process = subprocess.Popen([sys.executable, "-c", WORKER, jobs_path, out_path], cwd=mutants, env=env,
                                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
        return {"process": process, "queue": queue, "out": out_path, "done": 0, "seen": time.monotonic(),
                "lane": lane}

    running = [start(lane) for lane in range(workers) if lanes[lane]]
    while running:
        time.sleep(1.0)
        if deadline is not None and time.time() > deadline:  # stop: unfinished mutants stay "not run"
            for worker in running:
                os.killpg(worker["process"].pid, signal.SIGKILL)
                worker["process"].wait()
                with open(worker["out"]) as f:
                    verdicts.update(dict(json.loads(line) for line in f if line.endswith("\n")))
            break
        for worker in list(running):
            with open(worker["out"]) as f:
                lines = [json.loads(line) for line in f if line.endswith("\n")]
            if len(lines) > worker["done"]:
                worker["done"], worker["seen"] = len(lines), time.monotonic()
            verdicts.update(dict(lines))
            finished = worker["process"].poll() is not None
            if worker["done"] < len(worker["queue"]):
                if not finished and time.monotonic() - worker["seen"] <= limit:
                    continue
                if not finished:
                    os.killpg(worker["process"].pid, signal.SIGKILL)
                worker["process"].wait()
                stuck = worker["queue"][worker["done"]][0]
                verdicts[stuck] = TIMEOUT if not finished else 3  # a worker that died: an internal error
                lanes[worker["lane"]] = worker["queue"][worker["done"] + 1:] + lanes[worker["lane"]]
            else:
                worker["process"].wait()
            running.remove(worker)
            if lanes[worker["lane"]]:
                running.append(start(worker["lane"]))
    shutil.rmtree(scratch, ignore_errors=True)
    return verdicts


def _leftover_verdicts(mutants):
    """Verdicts an interrupted recheck left in its worker files (merged, then the files removed)."""
    found = {}
    for folder in glob.glob(os.path.join(mutants, "recheck_*")):
        for path in glob.glob(os.path.join(folder, "out*.jsonl")):
            with open(path) as f:
                found.update(dict(json.loads(line) for line in f if line.endswith("\n")))
        shutil.rmtree(folder, ignore_errors=True)
    return found


def recheck_timeouts(folder, env, limit, codes_to_recheck=TIMEOUTS, tests=None, deadline=None, names=None,
                     shuffle=None):
    """Runs each mutant mutmut timed out (or, with `codes_to_recheck=(0,)`, each survivor) again without
    mutmut's forks, on the tests mutmut found covering its function (or on `tests`), fastest first, and records
    that run's verdict in mutmut's own files (so `mutmut results` agrees). With `names`, only those mutants;
    with `shuffle` (a seed), in a random order, so that the mutants a `deadline` leaves a verdict are themselves
    a uniform sample of those asked for.

    Returns:
        `{"killed": n, "survived": n, "timeout": n, ...}`: the rechecked mutants' new statuses.
    """
    mutants = os.path.join(folder, "mutants")
    with open(os.path.join(mutants, "mutmut-stats.json")) as f:
        stats = json.load(f)
    tests_by_function, durations = stats["tests_by_mangled_function_name"], stats["duration_by_test"]
    metas, changed_without_running = {}, set()
    leftover = _leftover_verdicts(mutants)
    jobs = []
    for meta_path in sorted(glob.glob(os.path.join(mutants, "**", "*.meta"), recursive=True)):
        with open(meta_path) as f:
            metas[meta_path] = json.load(f)
        for name, code in metas[meta_path]["exit_code_by_key"].items():
            if name in leftover:
                metas[meta_path]["exit_code_by_key"][name] = leftover[name]
                changed_without_running.add(meta_path)
            elif code in codes_to_recheck and (names is None or name in names):
                covering = sorted(tests_by_function.get(name.rsplit("__mutmut_", 1)[0], ()),
                                  key=lambda test: (durations.get(test, 0.0), test))
                if tests or covering:
                    jobs.append([name, list(tests) if tests else covering])
                else:
                    metas[meta_path]["exit_code_by_key"][name] = 33  # no test reaches it
                    changed_without_running.add(meta_path)
    if shuffle is not None:
        random.Random(shuffle).shuffle(jobs)
    found = _run_workers(mutants, jobs, env, limit, deadline=deadline) if jobs else {}
    verdicts = collections.Counter()
    for meta_path, meta in metas.items():
        codes = meta["exit_code_by_key"]
        changed = [name for name in codes if name in found]
        for name in changed:
            codes[name] = found[name]
            verdicts[{0: "survived", 1: "killed", TIMEOUT: "timeout"}.get(found[name], f"exit {found[name]}")] += 1
        if changed or meta_path in changed_without_running:
            with open(meta_path + ".part", "w") as f:
                json.dump(meta, f)
            os.replace(meta_path + ".part", meta_path)
    return verdicts


def run(module, timeout, recheck_limit, only=(), isolation="forkserver", sample=None, seed=0):
    """mutmut on one module in a fresh scratch copy, its timeouts rechecked; the score printed. With `sample`,
    mutmut only makes the mutants and finds the tests covering each function; a uniform random sample of the
    mutants is then run without its forks (see `score`)."""
    sources, tests, _ = MODULES[module]
    folder = scratch_copy()
    with open(os.path.join(folder, "tests_manifest.json"), "w") as f:  # which tests a later --survivors must run
        json.dump(_test_hashes(ROOT), f)
    with open(os.path.join(folder, "conftest.py"), "a") as f:
        f.write(ARGSPEC_PATCH)
    with open(os.path.join(folder, "pyproject.toml"), "a") as f:
        f.write(config(sources, tests, only, isolation))
    partial = ""
    started = time.time()
    process = subprocess.Popen(["mutmut", "run"], cwd=folder, env=ENV, stdout=subprocess.DEVNULL,
                               start_new_session=True)
    stats = os.path.join(folder, "mutants", "mutmut-stats.json")
    while process.poll() is None:
        time.sleep(1.0)
        if sample and _readable_json(stats):  # the mutants are made and their tests known: mutmut's part is done
            break
        if time.time() - started > timeout:
            partial = f" (PARTIAL: stopped after {timeout:.0f} s; mutants not yet run are not counted)"
            break
    if process.poll() is None:  # stop mutmut and its forked workers; score the mutants it finished
        os.killpg(process.pid, signal.SIGKILL)
        process.wait()
    if sample:
        print(f"{module:7s} mutants made and their tests found in {time.time() - started:.0f} s: {folder}", flush=True)
        return score(module, folder, recheck_limit, finish=True, sample=sample, seed=seed,
                     deadline=started + timeout)
    return score(module, folder, recheck_limit, partial)


def _test_hashes(root):
    """`{path: sha1}` of the test files under `root`."""
    found = {}
    for path in glob.glob(os.path.join(root, "tests", "**", "*.py"), recursive=True):
        with open(path, "rb") as f:
            found[os.path.relpath(path, root)] = hashlib.sha1(f.read()).hexdigest()
    return found


def _changed_tests(folder, module):
    """The module's test files added or changed since the run (by the scratch folder's manifest); None if the
    folder has no manifest. A survivor passed every test of the run that reaches it, so only these can kill it."""
    manifest = os.path.join(folder, "tests_manifest.json")
    if not os.path.exists(manifest):
        return None
    with open(manifest) as f:
        before = json.load(f)
    selection = MODULES[module][1]
    return sorted(path for path, digest in _test_hashes(ROOT).items()
                  if before.get(path) != digest and any(path.startswith(s.rstrip("/")) for s in selection))


def _failing_without_mutants(folder, tests):
    """The tests (node ids) that fail on the scratch copy's unmutated code."""
    args = [arg for arg in PYTEST_ARGS if arg != "-x"] + ["-rf"]
    out = subprocess.run([sys.executable, "-m", "pytest", *args, *tests], cwd=os.path.join(folder, "mutants"),
                         env=dict(ENV, MUTANT_UNDER_TEST=""), capture_output=True, text=True)
    return [line.split()[1] for line in out.stdout.splitlines() if line.startswith("FAILED ")]


def _refresh_unmutated_source(folder, module):
    """Copies the package's current files that the module's run did not mutate into the scratch copy (a fix
    outside the mutated files, such as a check a mutant exposed, then counts); returns those that changed."""
    sources, changed = tuple(s.rstrip("/") for s in MODULES[module][0]), []
    for path in glob.glob(os.path.join(ROOT, "keras_gan", "**", "*.py"), recursive=True):
        relative = os.path.relpath(path, ROOT)
        target = os.path.join(folder, "mutants", relative)
        if not relative.startswith(sources) and not (os.path.exists(target) and filecmp.cmp(path, target, False)):
            shutil.copy2(path, target)
            changed.append(relative)
    return changed


def _readable_json(path):
    try:
        with open(path) as f:
            json.load(f)
        return True
    except (OSError, ValueError):
        return False


#: mutmut's exit codes -> the statuses counted here.
STATUS = {0: "survived", 1: "killed", 3: "killed", 5: "no tests", 33: "no tests", None: "not run",
          **{code: "timeout" for code in TIMEOUTS}}


def score(module, folder, recheck_limit, partial="", survivors=False, finish=False, deadline=None, sample=None,
          seed=0, survivor_tests=None):
    """Rechecks a scratch folder's timeouts, then prints the killed share per file and for the module:
    (killed + confirmed timeouts) / (killed + timeouts + survived + no test reaches).

    With `survivors`, the repository's current tests (and its current unmutated source) are first copied over
    the scratch copy's and every surviving mutant is run again on the test files added or changed since the
    run (`survivor_tests`, else by the folder's manifest, else the module's whole selection; the whole selection
    too if the unmutated source changed): the score after
    new tests, without a new mutmut run (the mutated files must not have changed since the run).

    With `sample`, only a uniform random sample of that many of the module's mutants (drawn with `seed` from all
    of them, whether run before or not) is run, in a random order, and the module's share is estimated from
    those of them with a verdict (with a `deadline`, a smaller uniform sample), with a 95 % Wilson interval;
    the per-file lines still count every mutant with a verdict."""
    population = _population(folder, module)
    drawn = set(random.Random(seed).sample(population, min(sample, len(population)))) if sample else None
    counted = set(population)
    names = drawn if drawn is not None else counted
    if survivors:
        shutil.copytree(os.path.join(ROOT, "tests"), os.path.join(folder, "mutants", "tests"), dirs_exist_ok=True)
        refreshed = _refresh_unmutated_source(folder, module)
        # Changed source outside the mutated files can make unchanged tests fail too: then every test runs.
        tests = None if refreshed else survivor_tests or _changed_tests(folder, module)
        tests = MODULES[module][1] if tests is None else tests
        if refreshed:
            print(f"{module:7s} source changed since the run outside the mutated files: {' '.join(refreshed)}",
                  flush=True)
        print(f"{module:7s} survivors run on: {' '.join(tests) or '(no test changed)'}", flush=True)
        failing = _failing_without_mutants(folder, tests) if tests else []
        if failing:  # a test of changed source fails on the run's code: it would "kill" every mutant
            print(f"{module:7s} left out, failing on the run's unmutated code: {' '.join(failing)}", flush=True)
        deselect = [arg for node in failing for arg in ("--deselect", node)]
        rechecked = recheck_timeouts(folder, ENV, recheck_limit, codes_to_recheck=(0,), tests=tests + deselect,
                                     names=names) if tests else {}
        print(f"{module:7s} {sum(rechecked.values())} survivors run again on the current tests: "
              + ", ".join(f"{status} {n}" for status, n in sorted(rechecked.items())), flush=True)
    rechecked = recheck_timeouts(folder, ENV, recheck_limit, TIMEOUTS + ((None,) if finish else ()),
                                 deadline=deadline, names=names, shuffle=seed if sample else None)
    if rechecked:
        print(f"{module:7s} {sum(rechecked.values())} mutants mutmut timed out{' or did not reach' if finish else ''}, "
              "run without its forks: "
              + ", ".join(f"{status} {n}" for status, n in sorted(rechecked.items())), flush=True)
    totals, in_sample = collections.Counter(), collections.Counter()
    for meta_path in sorted(glob.glob(os.path.join(folder, "mutants", "**", "*.py.meta"), recursive=True)):
        with open(meta_path) as f:
            codes = {name: code for name, code in json.load(f)["exit_code_by_key"].items() if name in counted}
        counts = collections.Counter(STATUS.get(code, "suspicious") for code in codes.values())
        if drawn:
            in_sample.update(STATUS.get(code, "suspicious") for name, code in codes.items() if name in drawn)
        if not counts:
            continue
        totals.update(counts)
        print(f"    {os.path.relpath(meta_path[:-5], os.path.join(folder, 'mutants'))}: {_line(counts)}")
    reached = totals["killed"] + totals["timeout"] + totals["survived"] + totals["no tests"]
    if not reached:
        print(f"{module:7s} mutmut ran no mutant: its test run failed before mutating (see `cd {folder} && mutmut "
              "run`; docs/reliability.md, Mutation testing, says how Keras's signatures were kept readable).",
              flush=True)
        return float("nan")
    goal = MODULES[module][2] if module in MODULES else float("nan")
    print(f"{module:7s} {_line(totals)} (goal {goal:.0%}){partial}; details: cd {folder} && mutmut results",
          flush=True)
    if drawn:
        killed = in_sample["killed"] + in_sample["timeout"]
        n = killed + in_sample["survived"] + in_sample["no tests"]
        low, high = _wilson(killed, n)
        print(f"{module:7s} estimate from a uniform sample of {n} of the {len(population)} mutants "
              f"({len(drawn)} drawn with seed {seed}): {_line(in_sample)}; 95 % interval {low:.1%}-{high:.1%}",
              flush=True)
        return killed / n if n else float("nan")
    return (totals["killed"] + totals["timeout"]) / reached


def _population(folder, module):
    """The names of the scratch folder's mutants that count for `module` (see FUNCTIONS), sorted."""
    names = []
    for meta_path in glob.glob(os.path.join(folder, "mutants", "**", "*.py.meta"), recursive=True):
        with open(meta_path) as f:
            names.extend(name for name in json.load(f)["exit_code_by_key"] if in_population(module, name))
    return sorted(names)


def _wilson(k, n, z=1.96):
    """The 95 % Wilson score interval of a share k / n."""
    if not n:
        return float("nan"), float("nan")
    p, spread = k / n, z * math.sqrt(k * (n - k) / n + z * z / 4) / n
    centre, scale = (p + z * z / (2 * n)), 1 + z * z / n
    return (centre - spread) / scale, (centre + spread) / scale


def _line(counts):
    reached = counts["killed"] + counts["timeout"] + counts["survived"] + counts["no tests"]
    share = f"{(counts['killed'] + counts['timeout']) / reached:.1%}" if reached else "-"
    return (f"killed {counts['killed'] + counts['timeout']} of {reached} ({share}; timeouts {counts['timeout']}), "
            f"survived {counts['survived']}, no test reaches {counts['no tests']}, not run {counts['not run']}"
            + (f", suspicious {counts['suspicious']}" if counts["suspicious"] else ""))


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("modules", nargs="*", default=None)
    parser.add_argument("--list", action="store_true")
    parser.add_argument("--timeout", type=float, default=6 * 3600,
                        help="seconds per module (with --recheck: for the rechecks; those left are 'not run')")
    parser.add_argument("--recheck-limit", type=float, default=300,
                        help="seconds a rechecked mutant's tests may run before it counts as a timeout")
    parser.add_argument("--only", nargs="+", default=(), metavar="FILE",
                        help="mutate only these files of the module (mutmut's only_mutate globs)")
    parser.add_argument("--isolation", choices=("forkserver", "fork"), default="forkserver",
                        help="mutmut's process_isolation (fork: faster start, but see above)")
    parser.add_argument("--recheck", metavar="FOLDER",
                        help="only recheck the timeouts of an earlier run's scratch folder, and score it")
    parser.add_argument("--finish", action="store_true",
                        help="with --recheck: also run the mutants mutmut did not reach (after stopping it)")
    parser.add_argument("--sample", type=int, metavar="N",
                        help="run only a uniform random sample of N mutants and estimate the share from it")
    parser.add_argument("--seed", type=int, default=0, help="the sample's seed")
    parser.add_argument("--survivors", action="store_true",
                        help="with --recheck: run its survivors again on the repository's current tests")
    parser.add_argument("--survivor-tests", nargs="+", metavar="PATH",
                        help="with --survivors: the test files added or changed since the run (for a folder made "
                             "before runs recorded them)")
    args = parser.parse_args(argv)
    args.modules = args.modules or ([] if args.recheck else list(MODULES))
    unknown = [m for m in args.modules if m not in MODULES]
    if unknown:
        parser.error(f"unknown module(s) {', '.join(unknown)}; choose from {', '.join(MODULES)}")
    if args.list:
        for name, (sources, tests, goal) in MODULES.items():
            print(f"{name}: {' '.join(sources)} <- {' '.join(tests)} (goal {goal:.0%})")
        return 0
    if shutil.which("mutmut") is None:
        sys.exit("mutmut is not installed: pip install 'mutmut>=3.8'")
    if args.recheck:
        if len(args.modules) != 1:
            parser.error("--recheck FOLDER scores one module's run: name it (python scripts/mutation.py layers "
                         "--recheck FOLDER)")
        deadline = time.time() + args.timeout if args.timeout else None
        score(args.modules[0], args.recheck, args.recheck_limit, survivors=args.survivors, finish=args.finish,
              deadline=deadline, sample=args.sample, seed=args.seed, survivor_tests=args.survivor_tests)
        return 0
    for module in args.modules:
        run(module, args.timeout, args.recheck_limit, args.only, args.isolation, args.sample, args.seed)
    return 0


if __name__ == "__main__":
    sys.exit(main())
