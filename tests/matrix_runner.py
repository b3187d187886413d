"""Runs the harness's matrix on several backends at once, in the background of a test session.

`python -m tests.matrix_runner OUT tensorflow torch jax` runs
`python -m tests.harness OUT` once per backend (`KERAS_BACKEND` is fixed at
import; `SHARDS` can split a backend's records over several processes), all at
once, at the suite's own priority: the matrix is a third of the suite's work,
and a lowered priority only left it to run alone at the end. A backend whose
run fails leaves `OUT/matrix_<backend>.failed` with its last
output. `tests/conftest.py` starts it after collection when matrix tests are
selected, and stops it at the end of the session.
"""

import importlib.util
import os
import subprocess
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
PACKAGES = {"tensorflow": "tensorflow", "jax": "jax", "torch": "torch"}


#: Processes per backend, each running every n-th record (`KERAS_GAN_MATRIX_SHARD=i/n`, merged into one file).
#: One each: on 2 cores the suite keeps both busy throughout, and TensorFlow in 2 processes only slowed the
#: others (clean clone, 2,051 tests: 22 min 24 s with 2, 20 min 33 s with 1 in the working tree). More cores
#: than processes: raise a count.
SHARDS = {"tensorflow": 1, "jax": 1, "torch": 1}


def _merge(out_dir, backend, count):
    """The shards' records as one `matrix_<backend>.json` (written whole, then renamed: readers wait for it)."""
    import json

    records = {}
    for shard in range(count):
        with open(os.path.join(out_dir, f"matrix_{backend}.{shard}.json")) as f:
            records.update(json.load(f))
    path = os.path.join(out_dir, f"matrix_{backend}.json")
    with open(path + ".part", "w") as f:
        json.dump(records, f)
    os.replace(path + ".part", path)


def main(out_dir, backends):
    """Starts `python -m tests.harness OUT` per backend (and shard), all at once, and waits for them (`runner.done`
    last)."""
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
            count = SHARDS.get(backend, 1)
            running[backend] = []
            for shard in range(count):
                log = open(f"{marker}{f'.{shard}' if count > 1 else ''}.log", "w+")
                process = subprocess.Popen([sys.executable, "-m", "tests.harness", out_dir],
                                           env=dict(env, KERAS_GAN_MATRIX_SHARD=f"{shard}/{count}"), cwd=ROOT,
                                           stdout=log, stderr=subprocess.STDOUT, text=True)
                running[backend].append((process, log))
        for backend, shards in running.items():
            failures = []
            for process, log in shards:
                try:
                    code = process.wait(timeout=2400)
                except subprocess.TimeoutExpired:
                    process.kill()
                    code = "killed after 40 minutes"
                if code != 0:
                    log.seek(0)
                    failures.append(f"exit status {code}\n" + log.read()[-12000:])
                log.close()
            if not failures and len(shards) > 1:
                try:
                    _merge(out_dir, backend, len(shards))
                except (OSError, ValueError) as error:
                    failures.append(f"merging the shards' records failed: {error}")
            if failures:
                with open(os.path.join(out_dir, f"matrix_{backend}.failed"), "w") as f:
                    f.write("\n".join(failures))
    finally:
        with open(os.path.join(out_dir, "runner.done"), "w") as f:
            f.write("done")


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2:])
