import numpy as np
import pytest

from keras_gan.datasets.toy import grid_of_gaussians, ring_of_gaussians
from keras_gan.metrics import mode_coverage


def test_real_mixture_samples_cover_every_mode_with_high_quality():
    points, centres, _ = grid_of_gaussians(2500, seed=0, return_modes=True)
    out = mode_coverage(points, centres, stddev=0.05)
    assert out["modes"] == 25 and out["high_quality"] > 0.98 and out["kl"] < 0.02


def test_collapsed_samples_cover_one_mode_and_have_kl_log_k():
    _, centres, _ = ring_of_gaussians(10, seed=0, return_modes=True)
    samples = np.repeat(centres[:1], 100, axis=0)
    out = mode_coverage(samples, centres, stddev=0.01)
    assert out["modes"] == 1 and out["high_quality"] == 1.0
    assert out["kl"] == pytest.approx(np.log(8), rel=1e-6)


def test_far_samples_are_not_high_quality_and_min_samples_applies():
    centres = np.array([[0.0, 0.0], [10.0, 0.0]])
    samples = np.array([[0.0, 0.0]] * 10 + [[10.0, 0.0]] * 2 + [[5.0, 5.0]] * 8)
    out = mode_coverage(samples, centres, stddev=0.1, min_samples=3)
    assert out["high_quality"] == pytest.approx(0.6)
    assert out["modes"] == 1 and list(out["counts"]) == [10, 2]
