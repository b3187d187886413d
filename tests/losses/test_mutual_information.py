"""InfoGAN's mutual-information loss against its definition."""

import math

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
