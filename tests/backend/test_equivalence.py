"""The same `fit` on TensorFlow, JAX and PyTorch: the same weights, iteration counts and History.

Each backend runs `equivalence_cases.py` in a subprocess (the backend is fixed
at import); TensorFlow's results are computed in this process. Every case
starts from the same weights with the same injected latent vectors (and
penalty interpolation weights), so the three must agree to float32 rounding.
"""

import json
import os
import subprocess
import sys

import keras
import numpy as np
import pytest

from tests.backend import equivalence_cases

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
CASES = list(equivalence_cases.CASES)
TOLERANCE = 1e-5


def backend_available(name):
    import importlib.util

    return importlib.util.find_spec(name) is not None


def run_backend(backend, out_dir, names=()):
    env = dict(os.environ, KERAS_BACKEND=backend, TF_CPP_MIN_LOG_LEVEL="3",
               PYTHONPATH=os.pathsep.join([ROOT] + sys.path))
    result = subprocess.run([sys.executable, os.path.join(HERE, "equivalence_cases.py"), str(out_dir), *names],
                            env=env, capture_output=True, text=True, timeout=900, cwd=ROOT)
    assert result.returncode == 0, f"{backend} run failed:\n{result.stderr[-4000:]}"


@pytest.fixture(scope="module", params=["jax", "torch"])
def backend_results(request, tmp_path_factory):
    backend = request.param
    if not backend_available(backend):
        pytest.skip(f"{backend} is not installed: pip install -e '.[{backend}]'")
    out = tmp_path_factory.mktemp(backend)
    run_backend(backend, out)
    return backend, out


@pytest.fixture(scope="module")
def tensorflow_results():
    return {name: equivalence_cases.run(name) for name in CASES}


def assert_same(backend, case, out, reference):
    state, iterations, history = reference
    other = dict(np.load(out / f"{case}.npz"))
    with open(out / f"{case}.json") as f:
        record = json.load(f)
    assert record["iterations"] == iterations, f"{backend}: optimizer iterations differ"
    assert sorted(other) == sorted(state), f"{backend}: different variables: {set(other) ^ set(state)}"
    for path, value in state.items():
        np.testing.assert_allclose(other[path], value, atol=TOLERANCE, rtol=TOLERANCE,
                                   err_msg=f"{backend}, case {case}: variable {path}")
    assert sorted(record["history"]) == sorted(history)
    for key, values in history.items():
        np.testing.assert_allclose(record["history"][key], values, atol=TOLERANCE, rtol=TOLERANCE,
                                   err_msg=f"{backend}, case {case}: history {key}")
    assert iterations[0] > 0 and iterations[1] > 0


@pytest.mark.parametrize("case", CASES)
def test_same_weights_iterations_and_history_as_tensorflow(case, backend_results, tensorflow_results):
    backend, out = backend_results
    assert_same(backend, case, out, tensorflow_results[case])


def test_model_saved_on_tensorflow_continues_on_the_other_backend(backend_results, tmp_path):
    backend, _ = backend_results
    keras.utils.set_random_seed(0)
    gan, fit_args, _ = equivalence_cases.CASES["k1"]()
    gan.fit(*fit_args, batch_size=equivalence_cases.BATCH, epochs=1, shuffle=False, verbose=0)
    path = tmp_path / "gan.keras"
    gan.save(path)
    run_backend(backend, tmp_path, ["--resume", str(path)])
    assert_same(backend, "resume", tmp_path, equivalence_cases.resume(path))


@pytest.fixture(scope="module")
def tensorflow_smoke():
    return {name: equivalence_cases.smoke(name) for name in equivalence_cases.smoke_names()}


def test_mixed_precision_ema_and_other_trick_settings_train_as_on_tensorflow(backend_results, tensorflow_smoke):
    """Random draws differ between backends here; what each run logs, updates and counts must not. (Every
    model and every trick as the matrix configures it: `tests/test_matrix.py`, across backends too.)"""
    backend, out = backend_results
    with open(out / "smoke.json") as f:
        results = json.load(f)
    assert sorted(results) == sorted(tensorflow_smoke)
    for name, reference in tensorflow_smoke.items():
        got = results[name]
        assert got["finite"] and got["moved"], f"{backend}, {name}: {got}"
        assert got["keys"] == reference["keys"], f"{backend}, {name}: logs {got['keys']} vs {reference['keys']}"
        assert got["iterations"] == reference["iterations"], f"{backend}, {name}: iterations"
        assert got["policy"] == reference["policy"], f"{backend}, {name}: optimizer {got['policy']}"
