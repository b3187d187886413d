import numpy as np

from keras_gan import datasets
from keras_gan.datasets.toy import grid_modes, ring_modes


def test_gaussian_1d_moments():
    x = datasets.gaussian_1d(100_000, mean=4.0, stddev=0.5, seed=0)
    assert x.shape == (100_000, 1)
    assert abs(x.mean() - 4.0) < 0.01 and abs(x.std() - 0.5) < 0.01


def test_ring_of_8_gaussians():
    points, centres, which = datasets.ring_of_gaussians(8000, seed=0, return_modes=True)
    assert centres.shape == (8, 2)
    np.testing.assert_allclose(np.linalg.norm(centres, axis=1), 1.0, rtol=1e-6)
    offsets = points - centres[which]
    assert abs(offsets.std() - 0.01) < 0.001
    assert np.bincount(which, minlength=8).min() > 800


def test_grid_of_25_gaussians():
    points, centres, which = datasets.grid_of_gaussians(10_000, seed=0, return_modes=True)
    assert sorted(set(centres[:, 0].tolist())) == [-4.0, -2.0, 0.0, 2.0, 4.0]
    assert len({tuple(c) for c in centres.tolist()}) == 25
    assert abs((points - centres[which]).std() - 0.05) < 0.003
    assert ring_modes(4, 2.0).shape == (4, 2) and grid_modes(3).shape == (9, 2)
