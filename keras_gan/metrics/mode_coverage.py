"""Mode coverage of samples from a mixture of Gaussians (the ring and grid toys)."""

import numpy as np

from keras_gan.utils.arguments import check_int, check_number
from keras_gan.utils.messages import describe


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
    stddev = check_number(stddev, "stddev", low=0, low_open=True, what="the mixture components' standard deviation")
    within = check_number(within, "within", low=0, low_open=True, what="high-quality radius in standard deviations")
    min_samples = check_int(min_samples, "min_samples", allow_none=True,
                            what="high-quality samples a mode needs to count as covered")
    try:
        samples = np.asarray(samples, dtype="float64")
        centres = np.asarray(centres, dtype="float64")
    except (TypeError, ValueError):
        raise TypeError(f"`samples` and `centres` must be arrays of points; received {describe(samples)} and "
                        f"{describe(centres)}.") from None
    if centres.ndim != 2 or not len(centres):
        raise ValueError(f"`centres` must be the mixture's means, an array (modes, dims) with at least one mode; "
                         f"received {describe(centres)}.")
    samples = samples.reshape(len(samples), -1) if samples.ndim > 2 else samples
    if samples.ndim != 2 or samples.shape[1] != centres.shape[1]:
        raise ValueError(f"`samples` must be points (n, {centres.shape[1]}) like the centres; received "
                         f"{describe(samples)}.")
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
