"""Mode coverage of samples from a mixture of Gaussians (the ring and grid toys)."""

import numpy as np


def mode_coverage(samples, centres, stddev, within=3.0, min_samples=None):
    """How many modes a generator covers, and how well (the PacGAN/VEEGAN protocol).

    Each sample is assigned to its nearest mode; it is *high quality* when it
    lies within `within` standard deviations of that mode's centre. A mode is
    *covered* when at least `min_samples` high-quality samples fall on it.

    Args:
        samples: Generated points, `(n, 2)`.
        centres: The mixture's means, `(modes, 2)`.
        stddev: The mixture components' standard deviation.
        within: High-quality radius in standard deviations (3).
        min_samples: High-quality samples a mode needs to count as covered;
            default a fifth of a uniform share, `max(1, n / modes / 5)`.

    Returns:
        A dict: `modes` (covered), `high_quality` (share of samples), `kl`
        (KL divergence of the high-quality samples' mode histogram from the
        uniform distribution over all modes; 0 is perfectly balanced; computed
        with the empty modes' probability floored at 1e-12), `counts` (high-
        quality samples per mode).

    Example:

    >>> centres = np.array([[0.0, 0.0], [1.0, 0.0]])
    >>> out = mode_coverage(np.array([[0.0, 0.0], [0.01, 0.0], [5.0, 5.0]]), centres, stddev=0.01)
    >>> out["modes"], round(out["high_quality"], 3)
    (1, 0.667)

    Reference:
        Lin et al., "PacGAN: The Power of Two Samples in Generative Adversarial Networks", NeurIPS 2018.
        Srivastava et al., "VEEGAN: Reducing Mode Collapse in GANs using Implicit Variational
        Learning", NeurIPS 2017.
    """
    samples = np.asarray(samples, dtype="float64").reshape(len(samples), -1)
    centres = np.asarray(centres, dtype="float64")
    distances = np.linalg.norm(samples[:, None, :] - centres[None, :, :], axis=-1)
    nearest = distances.argmin(axis=1)
    good = distances[np.arange(len(samples)), nearest] <= within * stddev
    counts = np.bincount(nearest[good], minlength=len(centres))
    if min_samples is None:
        min_samples = max(1, int(len(samples) / len(centres) / 5))
    if counts.sum():
        p = np.maximum(counts / counts.sum(), 1e-12)
        kl = float(np.sum(p * np.log(p * len(centres))))
    else:
        kl = float("inf")
    return {
        "modes": int((counts >= min_samples).sum()),
        "high_quality": float(good.mean()) if len(samples) else 0.0,
        "kl": kl,
        "counts": counts,
    }
