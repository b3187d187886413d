"""Runs the harness's matrix on several backends in turn, in the background of a test session.

`python -m tests.matrix_runner OUT tensorflow torch jax` runs
`python -m tests.harness OUT` once per backend (`KERAS_BACKEND` is fixed at
import), one after the other, at a lower priority (`nice`), so the matrix takes
the cycles the rest of the suite leaves. A backend whose run fails leaves
`OUT/matrix_<backend>.failed` with its last output. `tests/conftest.py`
starts it after collection when matrix tests are selected, and stops it at
the end of the session.
"""

import importlib.util
import os
import subprocess
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
PACKAGES = {"tensorflow": "tensorflow", "jax": "jax", "torch": "torch"}


def main(out_dir, backends):
    if hasattr(os, "nice"):
        os.nice(10)  # the rest of the suite first: the matrix takes the cycles it leaves (its children inherit it)
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
        result = subprocess.run([sys.executable, "-m", "tests.harness", out_dir], env=env, cwd=ROOT,
                                capture_output=True, text=True, timeout=1800)
        if result.returncode != 0:
            with open(marker + ".failed", "w") as f:
                f.write(result.stdout[-4000:] + result.stderr[-8000:])


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2:])
