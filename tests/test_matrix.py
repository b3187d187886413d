"""Every public model x every trick x every backend: it trains as its schedule says and resumes exactly, or
compile refuses it, naming the model, the trick, the reason and what to use instead (`tests/harness.py`).
Every trick, data parallel over 2 devices on TensorFlow and JAX, ends where one device ends.
And every input source Keras's `fit` takes, on every backend: the labelled and unlabelled models train from
each, and each mistake gets the same message from each.

The records come from one background run per backend (`tests/matrix_runner.py`, started by
`tests/conftest.py` after collection), so the matrix shares the machine with the rest of the suite.
"""

import math

import pytest

import keras_gan
from tests import harness

PAIRS = [(model, trick) for model in harness.MODELS for trick in harness.TRICKS]
BACKENDS = ("tensorflow", "jax", "torch")


@pytest.mark.matrix
@pytest.mark.parametrize("backend", BACKENDS)
@pytest.mark.parametrize("model_name,trick_name", PAIRS)
def test_pair_trains_as_scheduled_and_resumes_or_is_refused(model_name, trick_name, backend, matrix_records):
    records = matrix_records(backend)
    harness.check_pair(model_name, trick_name, records[f"{model_name}:{trick_name}"], backend)


@pytest.mark.matrix
@pytest.mark.parametrize("model_name,trick_name", PAIRS)
def test_pair_logs_the_same_finite_values_on_every_backend(model_name, trick_name, matrix_records):
    """The History a pair logs has the same keys on JAX and PyTorch as on TensorFlow (a trick's or a model's
    metric missing, or extra, on one backend fails here), and every logged value is finite; a refusal is a
    refusal on each backend."""
    key = f"{model_name}:{trick_name}"
    reference = matrix_records("tensorflow")[key]
    for backend in BACKENDS[1:]:
        record = matrix_records(backend)[key]
        assert record["status"] == reference["status"], f"{key}: {record['status']} on {backend}, " \
            f"{reference['status']} on tensorflow"
        if record["status"] == "trained":
            assert sorted(record["history"]) == sorted(reference["history"]), (
                f"{key}: {backend} logs {sorted(record['history'])}, tensorflow {sorted(reference['history'])}")
    for backend in BACKENDS:
        for name, values in matrix_records(backend)[key].get("history", {}).items():
            assert all(math.isfinite(v) for v in values), f"{key} on {backend}: {name} = {values}"


def test_the_matrix_names_every_public_model_and_trick():
    models = {name for name in keras_gan.models.__all__ if name not in ("AdversarialModel", "GANStep")}
    tricks = {name for name in keras_gan.tricks.__all__ if name[0].isupper() and name not in ("Trick", "TrickChain")}
    assert set(harness.MODELS) == models
    assert set(harness.TRICKS) - {"none"} == tricks


def test_every_expected_refusal_is_a_pair_of_the_matrix():
    assert harness.EXPECTED_REFUSALS <= set(PAIRS)


@pytest.mark.matrix
@pytest.mark.parametrize("backend", harness.DATA_PARALLEL_BACKENDS)
@pytest.mark.parametrize("trick_name", list(harness.TRICKS))
def test_every_trick_data_parallel_over_two_devices_matches_one_device(trick_name, backend, matrix_records):
    """k = 2, the trick's own random draws: every variable (networks, optimizers, schedule counters, the
    tricks' state, the latent stream) and every logged value agree with one device. On TensorFlow the
    replicas draw their rows of the global batch's random values and average the statistics the tricks
    read; on JAX the step is one program over the global batch."""
    records = matrix_records(backend)
    harness.check_data_parallel(trick_name, records[f"data_parallel:{trick_name}"], backend)


@pytest.mark.matrix
@pytest.mark.parametrize("backend", BACKENDS)
@pytest.mark.parametrize("model_name", list(harness.SOURCE_MODELS))
@pytest.mark.parametrize("source", harness.SOURCES)
def test_model_trains_from_every_source(model_name, source, backend, matrix_records):
    records = matrix_records(backend)
    harness.check_source_record(model_name, source, records[f"source:{model_name}:{source}"], backend)


@pytest.mark.matrix
@pytest.mark.parametrize("backend", BACKENDS)
@pytest.mark.parametrize("mistake", list(harness.MISTAKES))
def test_a_mistake_gets_one_message_from_every_source(mistake, backend, matrix_records):
    records = matrix_records(backend)
    harness.check_mistakes(mistake, {s: records[f"mistake:{mistake}:{s}"] for s in harness.SOURCES}, backend)


@pytest.mark.matrix
@pytest.mark.parametrize("backend", BACKENDS)
@pytest.mark.parametrize("model_name", list(harness.MODELS))
def test_every_model_trains_with_run_eagerly(model_name, backend, matrix_records):
    """`compile(run_eagerly=True)`, a user's debugging switch: the step runs op by op (on JAX the batch then
    arrives as NumPy arrays, which a two-input network refused beside a tensor until the step made them tensors)."""
    records = matrix_records(backend)
    harness.check_eager(model_name, records[f"eager:{model_name}"], backend)
