"""JAX: `keras.distribution.DataParallel`, in one process over 2 host devices and over 2 processes, equals one device.

Each run is a subprocess of `jax_distribution_cases.py` (the backend and the
host device count are fixed at import). The cases start from the same weights
with injected latent vectors and fixed interpolation weights; one case keeps
the model's own random draws, which on JAX are the one-device draws too.
"""

import json
import os
import signal
import socket
import subprocess
import sys
import time

import numpy as np
import pytest

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
SCRIPT = os.path.join(HERE, "jax_distribution_cases.py")
CASES = ("k1", "k2", "gradient_penalty", "r1_penalty", "ema", "batch_norm", "own_random_draws")
TOLERANCE = 1e-5

pytestmark = pytest.mark.skipif(
    __import__("importlib").util.find_spec("jax") is None, reason="jax is not installed: pip install -e '.[jax]'")


def _env(devices):
    return dict(os.environ, KERAS_BACKEND="jax", JAX_PLATFORMS="cpu", TF_CPP_MIN_LOG_LEVEL="3",
                XLA_FLAGS=f"--xla_force_host_platform_device_count={devices}",
                PYTHONPATH=os.pathsep.join([ROOT] + sys.path))


def _load(folder, name):
    with open(os.path.join(folder, f"{name}.json")) as f:
        record = json.load(f)
    return dict(np.load(os.path.join(folder, f"{name}.npz"))), record


def assert_same(folder, reference, name, what):
    state, record = _load(folder, name)
    ref_state, ref_record = _load(reference, name)
    assert record["iterations"] == ref_record["iterations"], f"{what}, {name}: optimizer iterations"
    assert sorted(state) == sorted(ref_state), f"{what}, {name}: variables {set(state) ^ set(ref_state)}"
    for key, value in ref_state.items():
        np.testing.assert_allclose(state[key], value, atol=TOLERANCE, rtol=TOLERANCE, err_msg=f"{what}, {name}: {key}")
    assert sorted(record["history"]) == sorted(ref_record["history"])
    for key, values in ref_record["history"].items():
        np.testing.assert_allclose(record["history"][key], values, atol=TOLERANCE, rtol=TOLERANCE,
                                   err_msg=f"{what}, {name}: history {key}")
    return record


@pytest.fixture(scope="module")
def one_process(tmp_path_factory):
    """One process, 2 host devices: every case on one device, then under DataParallel."""
    out = tmp_path_factory.mktemp("jax_one_process")
    result = subprocess.run([sys.executable, SCRIPT, "one_process", str(out)], env=_env(2), cwd=ROOT,
                            capture_output=True, text=True, timeout=420)
    assert result.returncode == 0, result.stderr[-4000:]
    return out


@pytest.mark.parametrize("case", CASES)
def test_data_parallel_over_two_devices_matches_one_device(one_process, case):
    record = assert_same(one_process / "data_parallel", one_process / "one", case, "DataParallel")
    assert record["devices"] == 2
    # Every variable of the state (networks, both optimizers and their EMA, schedule, seed generators,
    # metrics) laid out over both devices, and the batch split over both.
    assert record["layouts"] == {"2": sum(record["layouts"].values())}, record["layouts"]
    assert record["input_devices"] == [2]


def test_a_model_built_before_the_distribution_is_refused_in_one_line(one_process):
    with open(one_process / "refusals.json") as f:
        message = json.load(f)["built_before"]
    assert message is not None and "\n" not in message
    assert "lives on one device" in message and "set_distribution" in message and "scope()" in message


def _free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_two_processes_match_one_process(one_process, tmp_path):
    """2 processes on 127.0.0.1, each feeding its half of every global batch, end at the one-process weights."""
    address = f"127.0.0.1:{_free_port()}"
    processes = []
    start = time.monotonic()
    try:
        for index in range(2):
            processes.append(subprocess.Popen(
                [sys.executable, SCRIPT, "worker", str(tmp_path), address, "2", str(index), "k1", "k2",
                 "gradient_penalty", "own_random_draws"],
                env=_env(1), cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True,
                start_new_session=True))
        deadline = start + 300
        for process in processes:
            _, stderr = process.communicate(timeout=max(1.0, deadline - time.monotonic()))
            assert process.returncode == 0, stderr[-4000:]
    finally:
        for process in processes:
            if process.poll() is None:
                os.killpg(process.pid, signal.SIGKILL)
                process.wait(timeout=30)
    for index in range(2):
        for name in ("k1", "k2", "gradient_penalty", "own_random_draws"):
            assert_same(tmp_path / f"worker_{index}", one_process / "one", name, f"process {index} of 2")
        with open(tmp_path / f"refusals_{index}.json") as f:
            message = json.load(f)["numpy_auto_shard"]
        # Keras's auto-sharding takes only a tf.data.Dataset: NumPy input is refused in one line saying what to pass.
        assert message is not None and "\n" not in message
        assert "tf.data.Dataset" in message and "auto_shard_dataset=False" in message, message
