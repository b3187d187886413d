"""Stacked MNIST: the builder's modes, and the mode counter against its definition."""

import numpy as np
import pytest

import keras_gan
from keras_gan.metrics import stacked_modes


class _ConstantReader:
    """A stand-in classifier: an image whose pixels all equal d / 10 is digit d."""

    def predict(self, images, batch_size=None, verbose=0):
        digits = np.rint(np.asarray(images).mean(axis=(1, 2, 3)) * 10).astype(int)
        return np.eye(10)[digits]


def _images(modes):
    modes = np.asarray(modes)
    channels = np.stack([modes // 100, modes // 10 % 10, modes % 10], axis=-1) / 10.0
    return np.broadcast_to(channels[:, None, None, :], (len(modes), 4, 4, 3)).astype("float32")


def test_the_counter_reads_each_channel_and_counts_the_modes():
    modes = [0, 7, 123, 999, 123]
    result = stacked_modes(_images(modes), classifier=_ConstantReader())
    assert result["modes"] == 4
    assert result["histogram"][123] == 2 and result["histogram"][999] == 1 and result["histogram"].sum() == 5


@pytest.mark.parametrize("covered", [1, 10, 500, 1000])
def test_kl_to_uniform_is_log_1000_over_the_covered_modes(covered):
    """q uniform on m modes: KL(q || uniform on 1,000) = log(1000 / m)."""
    result = stacked_modes(_images(np.repeat(np.arange(covered), 3)), classifier=_ConstantReader())
    assert result["modes"] == covered
    assert result["kl"] == pytest.approx(np.log(1000 / covered), abs=1e-9)


def test_kl_of_an_uneven_histogram_equals_its_definition():
    modes = np.concatenate([np.zeros(6, int), np.arange(1, 5)])  # q = (0.6, 0.1, 0.1, 0.1, 0.1)
    q = np.array([0.6, 0.1, 0.1, 0.1, 0.1])
    result = stacked_modes(_images(modes), classifier=_ConstantReader())
    assert result["kl"] == pytest.approx(float(np.sum(q * np.log(q * 1000))), abs=1e-12)


def test_real_stacked_digits_cover_the_modes_they_are_built_from():
    x, modes = keras_gan.datasets.load_stacked_digits(2_000, seed=3)
    result = stacked_modes(x)
    classified = np.repeat(np.arange(1000), result["histogram"])
    assert result["modes"] >= 0.95 * len(np.unique(modes))
    assert abs(len(classified) - len(modes)) == 0
    # The shipped classifier reads each channel's digit: the histograms nearly agree.
    truth = np.bincount(modes, minlength=1000)
    assert np.abs(result["histogram"] - truth).sum() / 2 <= 0.05 * len(modes)


def test_the_builder_draws_every_triple_uniformly():
    x, modes = keras_gan.datasets.load_stacked_digits(20_000, seed=0)
    assert x.shape == (20_000, 28, 28, 3) and x.dtype == np.float32
    counts = np.bincount(modes, minlength=1000)
    assert (counts > 0).all()
    assert abs(counts.mean() - 20) < 1e-9 and counts.std() < 2 * np.sqrt(20)  # Poisson-like spread
    again, same = keras_gan.datasets.load_stacked_digits(20_000, seed=0)
    np.testing.assert_array_equal(same, modes)
    assert not np.array_equal(keras_gan.datasets.load_stacked_digits(100, seed=1)[1], modes[:100])


@pytest.mark.parametrize("bad, pattern", [
    (np.zeros((4, 28, 28, 1), "float32"), r"shape \(n, height, width, 3\).*Received: images.shape=\(4, 28, 28, 1\)"),
    (np.zeros((0, 28, 28, 3), "float32"), r"at least one image"),
    ("images", r"shape \(n, height, width, 3\)"),
])
def test_wrong_images_are_refused_with_what_was_received(bad, pattern):
    with pytest.raises(ValueError, match=pattern):
        stacked_modes(bad)


def test_a_wrong_n_is_refused():
    with pytest.raises((ValueError, TypeError), match=r"Received: n=0"):
        keras_gan.datasets.load_stacked_digits(0)
