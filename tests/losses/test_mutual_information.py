"""InfoGAN's mutual-information loss against its definition."""

import math
import re

import keras
import numpy as np
import pytest
from scipy.stats import norm

from keras_gan.losses import MutualInformationLoss, categorical_code_loss, gaussian_code_loss


def _softmax(x):
    e = np.exp(x - x.max(axis=-1, keepdims=True))
    return e / e.sum(axis=-1, keepdims=True)


def test_categorical_code_loss_is_cross_entropy():
    rng = np.random.default_rng(0)
    logits = rng.normal(size=(8, 5)).astype("float32")
    codes = np.eye(5, dtype="float32")[rng.integers(0, 5, 8)]
    expected = -np.mean(np.sum(codes * np.log(_softmax(logits)), axis=1))
    np.testing.assert_allclose(float(categorical_code_loss(codes, logits)), expected, rtol=1e-5)


def test_gaussian_code_loss_is_negative_log_likelihood():
    rng = np.random.default_rng(1)
    c, mu, log_std = (rng.normal(size=(6, 2)).astype("float32") for _ in range(3))
    expected = -np.mean(np.sum(norm.logpdf(c, loc=mu, scale=np.exp(log_std)), axis=1))
    np.testing.assert_allclose(float(gaussian_code_loss(c, mu, log_std)), expected, rtol=1e-5)
    fixed = -np.mean(np.sum(norm.logpdf(c, loc=mu, scale=1.0), axis=1))
    np.testing.assert_allclose(float(gaussian_code_loss(c, mu)), fixed, rtol=1e-5)


def test_extreme_logits_stay_finite():
    codes = np.array([[1.0, 0.0], [0.0, 1.0]], "float32")
    logits = np.array([[50.0, -50.0], [50.0, -50.0]], "float32")
    value = float(categorical_code_loss(codes, logits))
    np.testing.assert_allclose(value, 50.0, rtol=1e-5)  # half the batch pays 100 nats


def test_combined_loss_splits_codes_and_q_outputs():
    loss = MutualInformationLoss(categorical=(3, 2), continuous=2, learn_std=True, continuous_weight=0.5)
    assert (loss.code_width, loss.q_width) == (7, 9)
    rng = np.random.default_rng(2)
    codes = np.concatenate([np.eye(3)[[0, 2]], np.eye(2)[[1, 1]], rng.uniform(-1, 1, (2, 2))], 1).astype("float32")
    q = rng.normal(size=(2, 9)).astype("float32")
    per_sample = np.asarray(loss.call(codes, q))
    expected = (
        -np.sum(codes[:, :3] * np.log(_softmax(q[:, :3])), 1)
        - np.sum(codes[:, 3:5] * np.log(_softmax(q[:, 3:5])), 1)
        - 0.5 * np.sum(norm.logpdf(codes[:, 5:], loc=q[:, 5:7], scale=np.exp(q[:, 7:])), 1)
    )
    np.testing.assert_allclose(per_sample, expected, rtol=1e-5)


def test_categorical_mutual_information_bound_reaches_log_k_for_a_perfect_q():
    loss = MutualInformationLoss(categorical=(10,), continuous=0)
    codes = np.eye(10, dtype="float32")
    assert float(loss.categorical_mutual_information(codes, codes * 60.0)) == pytest.approx(math.log(10), abs=1e-4)
    assert float(loss.categorical_mutual_information(codes, codes * 0.0)) == pytest.approx(0.0, abs=1e-5)


def test_bad_code_sizes_are_refused():
    with pytest.raises(ValueError, match=">= 2"):
        MutualInformationLoss(categorical=(1,))


def test_defaults_are_one_ten_way_code_with_no_continuous_code():
    loss = MutualInformationLoss()
    assert (loss.categorical, loss.continuous, loss.learn_std, loss.continuous_weight, loss.name) == (
        (10,), 0, False, 1.0, "mutual_information")
    assert loss.q_width == 10 and loss.code_width == 10


def test_fixed_std_continuous_code_alone_is_the_unit_gaussian_nll():
    loss = MutualInformationLoss(categorical=(), continuous=1, reduction=None)
    c, mu = np.array([[0.5], [1.0], [-1.0]], "float32"), np.array([[0.5], [0.0], [1.0]], "float32")
    expected = -norm.logpdf(c[:, 0], loc=mu[:, 0], scale=1.0)
    np.testing.assert_allclose(np.asarray(loss(c, mu)), expected, rtol=1e-5)


def test_fixed_std_with_a_categorical_code_matches_the_hand_value():
    # log 2 + 1/2 log(2 pi) + 1/2 (0.5 - 1.5)^2 with sigma = 1.
    loss = MutualInformationLoss(categorical=(2,), continuous=1)
    value = float(loss([[0.0, 1.0, 0.5]], [[0.0, 0.0, 1.5]]))
    assert value == pytest.approx(math.log(2.0) + 0.5 * math.log(2 * math.pi) + 0.5, rel=1e-5)


def test_reduction_and_dtype_reach_keras():
    codes = np.array([[1.0, 0.0], [0.0, 1.0], [1.0, 0.0]], "float32")
    logits = np.array([[2.0, 0.0], [0.0, 1.0], [-1.0, 1.0]], "float32")
    per_sample = MutualInformationLoss(categorical=(2,), reduction=None)(codes, logits)
    mean = MutualInformationLoss(categorical=(2,))(codes, logits)
    assert tuple(per_sample.shape) == (3,)
    assert float(mean) == pytest.approx(float(np.mean(per_sample)), rel=1e-6)
    half = MutualInformationLoss(categorical=(2,), dtype="float16")(codes, logits)
    assert keras.backend.standardize_dtype(half.dtype) == "float16"
    assert MutualInformationLoss(name="info").name == "info"


def test_negative_continuous_message_is_the_full_sentence():
    with pytest.raises(ValueError, match=f"^{re.escape('`continuous` must be >= 0. Received: -1.')}$"):
        MutualInformationLoss(continuous=-1)


def test_get_config_round_trip_keeps_every_argument():
    loss = MutualInformationLoss(categorical=(3, 4), continuous=2, learn_std=True, continuous_weight=0.25,
                                 name="info", reduction="sum")
    config = loss.get_config()
    assert config["categorical"] == [3, 4] and config["continuous"] == 2
    assert config["learn_std"] is True and config["continuous_weight"] == 0.25
    restored = keras.saving.deserialize_keras_object(keras.saving.serialize_keras_object(loss))
    assert type(restored) is MutualInformationLoss
    assert (restored.categorical, restored.continuous, restored.learn_std, restored.continuous_weight,
            restored.name, restored.reduction) == ((3, 4), 2, True, 0.25, "info", "sum")


def test_categorical_mutual_information_sums_every_code():
    # Two codes (2 and 3 values), batch of 4 (not 2 or 3, so the code width cannot be mistaken for it).
    rng = np.random.default_rng(3)
    loss = MutualInformationLoss(categorical=(2, 3))
    one_a, one_b = np.eye(2)[[0, 1, 1, 0]], np.eye(3)[[2, 0, 1, 1]]
    log_a, log_b = rng.normal(size=(4, 2)), rng.normal(size=(4, 3))
    codes = np.concatenate([one_a, one_b], 1).astype("float32")
    q = np.concatenate([log_a, log_b], 1).astype("float32")
    ce_a = -np.mean(np.sum(one_a * np.log(_softmax(log_a)), 1))
    ce_b = -np.mean(np.sum(one_b * np.log(_softmax(log_b)), 1))
    expected = (math.log(2) - ce_a) + (math.log(3) - ce_b)
    assert float(loss.categorical_mutual_information(codes, q)) == pytest.approx(expected, rel=1e-5)
