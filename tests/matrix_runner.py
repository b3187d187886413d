"""Runs the harness's matrix on several backends at once, in the background of a test session.

`python -m tests.matrix_runner OUT tensorflow torch jax` runs
`python -m tests.harness OUT` once per backend (`KERAS_BACKEND` is fixed at
import), all at once, at the suite's own priority: the matrix is a third of the
suite's work, and a lowered priority only left it to run alone at the end (and
TensorFlow's records split over 2 processes only slowed the other backends on
2 cores). A backend whose run fails leaves `OUT/matrix_<backend>.failed` with
its last output. `tests/conftest.py` starts it after collection when matrix
tests are selected, and stops it at the end of the session.
"""

import importlib.util
import os
import subprocess
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
PACKAGES = {"tensorflow": "tensorflow", "jax": "jax", "torch": "torch"}


def main(out_dir, backends):
    """Starts one `python -m tests.harness OUT` per backend, all at once, and waits for them (`runner.done` last)."""
    try:
        running = {}
        for backend in backends:
            marker = os.path.join(out_dir, f"matrix_{backend}")
            if importlib.util.find_spec(PACKAGES[backend]) is None:
                with open(marker + ".skipped", "w") as f:
                    f.write(f"{backend} is not installed: pip install -e '.[{backend}]'")
                continue
            env = dict(os.environ, KERAS_BACKEND=backend, TF_CPP_MIN_LOG_LEVEL="3",
                       PYTHONPATH=os.pathsep.join([ROOT] + sys.path))
            if backend == "jax":  # 2 host devices for the data-parallel records (TensorFlow makes 2 logical CPUs)
                env["XLA_FLAGS"] = (env.get("XLA_FLAGS", "") + " --xla_force_host_platform_device_count=2").strip()
            log = open(marker + ".log", "w+")
            running[backend] = (subprocess.Popen([sys.executable, "-m", "tests.harness", out_dir], env=env, cwd=ROOT,
                                                 stdout=log, stderr=subprocess.STDOUT, text=True), log)
        for backend, (process, log) in running.items():
            try:
                code = process.wait(timeout=2400)
            except subprocess.TimeoutExpired:
                process.kill()
                code = "killed after 40 minutes"
            if code != 0:
                log.seek(0)
                with open(os.path.join(out_dir, f"matrix_{backend}.failed"), "w") as f:
                    f.write(f"exit status {code}\n" + log.read()[-12000:])
            log.close()
    finally:
        with open(os.path.join(out_dir, "runner.done"), "w") as f:
            f.write("done")


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2:])
