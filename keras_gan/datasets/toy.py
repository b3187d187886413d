"""Toy data of the seeds: a 1-D Gaussian, a ring and a grid of 2-D Gaussians."""

import numpy as np


def gaussian_1d(n, mean=4.0, stddev=0.5, seed=None):
    """`n` samples of a 1-D Gaussian, shape `(n, 1)`, float32.

    The target of the 1-D GAN of the DCGAN notes.

    Args:
        n: Number of samples.
        mean: Mean of the Gaussian.
        stddev: Its standard deviation.
        seed: Random seed.

    Returns:
        A float32 array `(n, 1)`.

    Example:

    >>> gaussian_1d(10, seed=0).shape
    (10, 1)

    Reference:
        Goodfellow et al., "Generative Adversarial Nets", NeurIPS 2014.
    """
    rng = np.random.default_rng(seed)
    return rng.normal(mean, stddev, size=(n, 1)).astype("float32")


def ring_modes(modes=8, radius=1.0):
    """The centres of `modes` Gaussians evenly spaced on a circle, `(modes, 2)`."""
    angles = 2 * np.pi * np.arange(modes) / modes
    return np.stack([radius * np.cos(angles), radius * np.sin(angles)], axis=1).astype("float32")


def grid_modes(side=5, spacing=2.0):
    """The centres of a `side x side` grid of Gaussians, centred on 0, `(side**2, 2)`.

    The default gives means at {-4, -2, 0, 2, 4}^2, as in the PacGAN protocol.
    """
    axis = (np.arange(side) - (side - 1) / 2) * spacing
    xs, ys = np.meshgrid(axis, axis, indexing="ij")
    return np.stack([xs.ravel(), ys.ravel()], axis=1).astype("float32")


def _mixture(centres, n, stddev, seed):
    rng = np.random.default_rng(seed)
    which = rng.integers(len(centres), size=n)
    points = centres[which] + rng.normal(0.0, stddev, size=(n, 2))
    return points.astype("float32"), which.astype("int32")


def ring_of_gaussians(n, modes=8, radius=1.0, stddev=0.01, seed=None, return_modes=False):
    """`n` points of a ring of `modes` equal Gaussians (radius 1, std 0.01 by default).

    Args:
        n: Number of points.
        modes: Number of Gaussians on the circle.
        radius: Radius of the circle.
        stddev: Standard deviation of each Gaussian.
        seed: Random seed.
        return_modes: Also return the centres and each point's mode index.

    Returns:
        A float32 array `(n, 2)`, or `(points, centres, mode_index)`.

    Example:

    >>> points = ring_of_gaussians(1000, seed=0)
    >>> round(float(np.linalg.norm(points, axis=1).mean()), 1)
    1.0

    Reference:
        Metz et al., "Unrolled Generative Adversarial Networks", ICLR 2017.
        Lin et al., "PacGAN: The Power of Two Samples in Generative Adversarial Networks", NeurIPS 2018.
    """
    centres = ring_modes(modes, radius)
    points, which = _mixture(centres, n, stddev, seed)
    return (points, centres, which) if return_modes else points


def grid_of_gaussians(n, side=5, spacing=2.0, stddev=0.05, seed=None, return_modes=False):
    """`n` points of a `side x side` grid of equal Gaussians (std 0.05 by default).

    Args:
        n: Number of points.
        side: Gaussians per side (25 in all by default).
        spacing: Distance between neighbouring means.
        stddev: Standard deviation of each Gaussian.
        seed: Random seed.
        return_modes: Also return the centres and each point's mode index.

    Returns:
        A float32 array `(n, 2)`, or `(points, centres, mode_index)`.

    Example:

    >>> points, centres, modes = grid_of_gaussians(1000, seed=0, return_modes=True)
    >>> points.shape, centres.shape
    ((1000, 2), (25, 2))

    Reference:
        Srivastava et al., "VEEGAN: Reducing Mode Collapse in GANs using Implicit Variational
        Learning", NeurIPS 2017.
        Lin et al., "PacGAN: The Power of Two Samples in Generative Adversarial Networks", NeurIPS 2018.
    """
    centres = grid_modes(side, spacing)
    points, which = _mixture(centres, n, stddev, seed)
    return (points, centres, which) if return_modes else points
