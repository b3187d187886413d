"""PyTorch: 2 `torch.distributed` processes (gloo, 127.0.0.1), each fed half of every batch, equal one process.

`torch_distribution_cases.py` runs in each process (the backend is fixed at
import); process 0 first trains the reference in a plain process. Every
variable, the optimizers' iteration counts and the History must agree.
"""

import importlib.util
import json
import os
import signal
import sys

import numpy as np
import pytest

from tests.backend.torch_distribution_cases import launch

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
CASES = ("k1", "k2", "gradient_penalty", "own_random_draws", "batch_statistics")
TOLERANCE = 1e-5

pytestmark = pytest.mark.skipif(importlib.util.find_spec("torch") is None,
                                reason="torch is not installed: pip install -e '.[torch]'")


@pytest.fixture(scope="module")
def runs(tmp_path_factory):
    out = tmp_path_factory.mktemp("torch_distributed")
    env = dict(os.environ, KERAS_BACKEND="torch", TF_CPP_MIN_LOG_LEVEL="3", OMP_NUM_THREADS="1",
               PYTHONPATH=os.pathsep.join([ROOT] + sys.path))
    for rank, (code, stderr) in enumerate(launch(out, [], env, seconds=300)):
        assert code == 0, f"process {rank}:\n{stderr[-4000:]}"
    return out


def _load(folder, name):
    with open(folder / f"{name}.json") as f:
        return dict(np.load(folder / f"{name}.npz")), json.load(f)


@pytest.mark.parametrize("rank", [0, 1])
@pytest.mark.parametrize("case", CASES)
def test_two_processes_train_one_model_equal_to_one_process(runs, case, rank):
    state, record = _load(runs / f"worker_{rank}", case)
    ref_state, ref_record = _load(runs / "one", case)
    assert record["iterations"] == ref_record["iterations"]
    assert sorted(state) == sorted(ref_state)
    for key, value in ref_state.items():
        np.testing.assert_allclose(state[key], value, atol=TOLERANCE, rtol=TOLERANCE, err_msg=f"{case}: {key}")
    # The logs are averaged over the processes: each logs the global batch's values, as one process does.
    assert sorted(record["history"]) == sorted(ref_record["history"])
    for key, values in ref_record["history"].items():
        np.testing.assert_allclose(record["history"][key], values, atol=TOLERANCE, rtol=TOLERANCE,
                                   err_msg=f"{case}: history {key}")


def test_two_killed_processes_resume_to_the_uninterrupted_weights_and_history(tmp_path):
    """Killed (SIGKILL) mid-epoch 3 of 4, both processes restart: `BackupAndRestore` (a folder per process)
    takes them from the end of epoch 2 to the one-process run's final state, and their History holds the
    remaining epochs 3 and 4 as the uninterrupted run logged them (a run that ignored the backup would log
    4 epochs; one that restored nothing would end elsewhere)."""
    env = dict(os.environ, KERAS_BACKEND="torch", TF_CPP_MIN_LOG_LEVEL="3", OMP_NUM_THREADS="1",
               PYTHONPATH=os.pathsep.join([ROOT] + sys.path))
    killed = launch(tmp_path, ["--resume", "killed"], env)
    assert [code for code, _ in killed] == [-signal.SIGKILL] * 2, [err[-2000:] for _, err in killed]
    assert not (tmp_path / "killed_0").exists()  # it never finished
    resumed = launch(tmp_path, ["--resume", "resumed"], env)
    assert [code for code, _ in resumed] == [0, 0], [err[-3000:] for _, err in resumed]
    ref_state, ref_record = _load(tmp_path / "one", "resume")
    for rank in range(2):
        state, record = _load(tmp_path / f"resumed_{rank}", "resume")
        assert record["iterations"] == ref_record["iterations"] == [16, 8]
        for key, value in ref_state.items():
            np.testing.assert_allclose(state[key], value, atol=TOLERANCE, rtol=TOLERANCE, err_msg=f"rank {rank}: {key}")
        assert sorted(record["history"]) == sorted(ref_record["history"])
        for key, values in ref_record["history"].items():
            assert len(record["history"][key]) == 2, (key, record["history"][key])  # epochs 3 and 4 only
            np.testing.assert_allclose(record["history"][key], values[2:], atol=TOLERANCE, rtol=TOLERANCE,
                                       err_msg=f"rank {rank}: history {key}")
