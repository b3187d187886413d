"""Runs the harness's matrix on several backends at once, in the background of a test session.

`python -m tests.matrix_runner OUT tensorflow torch jax` runs
`python -m tests.harness OUT` once per backend (`KERAS_BACKEND` is fixed at
import), all at once, at the suite's own priority: the matrix is a third of the
suite's work, and a lowered priority only left it to run alone at the end (and
TensorFlow's records split over 2 processes only slowed the other backends on
2 cores from the start). When one backend's process ends, a helper process joins
the backend with the most work left, taking its jobs from the back of the list
(`tests/harness.py`, `main`). A backend whose run fails leaves `OUT/matrix_<backend>.failed` with
its last output. `tests/conftest.py` starts it after collection when matrix
tests are selected, and stops it at the end of the session.
"""

import importlib.util
import json
import os
import subprocess
import sys
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
PACKAGES = {"tensorflow": "tensorflow", "jax": "jax", "torch": "torch"}
#: The backends a helper may join, longest matrix first (PyTorch's runs eagerly: minutes, not tens).
HELPED = ("tensorflow", "jax")


def _start(out_dir, backend, helper=False):
    """`python -m tests.harness OUT [--helper]` on `backend`: `(process, log file)`."""
    scratch = os.path.join(out_dir, f"tmp_{backend}")  # autograph's files, removed with OUT
    os.makedirs(scratch, exist_ok=True)
    env = dict(os.environ, KERAS_BACKEND=backend, TF_CPP_MIN_LOG_LEVEL="3", TMPDIR=scratch,
               PYTHONPATH=os.pathsep.join([ROOT] + sys.path))
    if backend == "jax":  # 2 host devices for the data-parallel records (TensorFlow makes 2 logical CPUs)
        env["XLA_FLAGS"] = (env.get("XLA_FLAGS", "") + " --xla_force_host_platform_device_count=2").strip()
    log = open(os.path.join(out_dir, f"matrix_{backend}{'.helper' if helper else ''}.log"), "w+")
    command = [sys.executable, "-m", "tests.harness", out_dir] + (["--helper"] if helper else [])
    return subprocess.Popen(command, env=env, cwd=ROOT, stdout=log, stderr=subprocess.STDOUT, text=True), log


def main(out_dir, backends):
    """Starts one `python -m tests.harness OUT` per backend, all at once, and waits for them (`runner.done` last).

    When a backend's process ends, the core it held goes to a helper for the backend with the most work left
    (TensorFlow's matrix is the longest), which takes that backend's jobs from the back of its list: the
    matrix's last minutes no longer run on one core while the other idles. At most one helper per backend.
    """
    try:
        running, helpers, helped = {}, {}, set()
        started, seconds = {}, {}  # where the matrix's time goes: CPU and wall seconds of each process
        for backend in backends:
            if importlib.util.find_spec(PACKAGES[backend]) is None:
                with open(os.path.join(out_dir, f"matrix_{backend}.skipped"), "w") as f:
                    f.write(f"{backend} is not installed: pip install -e '.[{backend}]'")
                continue
            running[backend] = _start(out_dir, backend)
            started[backend] = time.monotonic()
        deadline = time.monotonic() + 2400
        while running or helpers:
            for table in (running, helpers):
                for backend, (process, log) in list(table.items()):
                    pid, status, usage = os.wait4(process.pid, os.WNOHANG)
                    if not pid and time.monotonic() < deadline:
                        continue
                    if not pid:
                        process.kill()
                        _, status, usage = os.wait4(process.pid, 0)
                    code = process.returncode = os.waitstatus_to_exitcode(status)
                    if not pid:
                        code = "killed after 40 minutes"
                    name = backend + (" helper" if table is helpers else "")
                    seconds[name] = {"cpu": round(usage.ru_utime + usage.ru_stime, 1),
                                     "wall": round(time.monotonic() - started[name], 1)}
                    with open(os.path.join(out_dir, "runner.seconds.json"), "w") as f:
                        json.dump(seconds, f)
                    del table[backend]
                    if code != 0 and table is running:  # a helper's jobs are rerun by the backend's process
                        log.seek(0)
                        with open(os.path.join(out_dir, f"matrix_{backend}.failed"), "w") as f:
                            f.write(f"exit status {code}\n" + log.read()[-12000:])
                    log.close()
                    if table is running:
                        waiting = [b for b in HELPED if b in running and b not in helpers and b not in helped]
                        if waiting:
                            helpers[waiting[0]] = _start(out_dir, waiting[0], helper=True)
                            started[waiting[0] + " helper"] = time.monotonic()
                            helped.add(waiting[0])
            time.sleep(0.5)
    finally:
        with open(os.path.join(out_dir, "runner.done"), "w") as f:
            f.write("done")


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2:])
