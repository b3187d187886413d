"""Precision, recall, density and coverage: k-nearest-neighbour estimates of two feature manifolds.

Plain functions on feature arrays (NumPy in, Python floats out), with the
semantics of the reference `prdc` package (Naeem et al., 2020): the radius
of a sample is its distance to its k-th nearest neighbour in its own set,
itself excluded, and a point lies in a ball when its distance to the centre
is strictly smaller than the radius. The streaming metrics
`keras_gan.metrics.PrecisionRecall` and `keras_gan.metrics.DensityCoverage`
compute the same figures from images, batch by batch.

Distances are computed in float64, in blocks of at most
`block_size x block_size`, so the memory is bounded by the block, not by
the number of samples: 10,000 real against 10,000 generated samples never
hold the 10,000 x 10,000 distance matrix. Near-equal pairs are recomputed as
|x - y|^2, so equal samples are at distance exactly 0.
"""

import numpy as np

from keras_gan.utils.arguments import check_int, received


def _as_features(features, argument):
    """`features` as a C-contiguous float64 array `(samples, features)`, or an error naming `argument`."""
    try:
        array = np.asarray(features, dtype="float64")
    except (TypeError, ValueError):
        raise TypeError(f"`{argument}` must be a 2-D array of numbers, shape (samples, features). "
                        f"{received(argument, features)}") from None
    if array.ndim != 2:
        raise ValueError(f"`{argument}` must be a 2-D array of shape (samples, features); flatten or pool the "
                         f"features first. Received: {argument}.shape={array.shape}.")
    if array.shape[1] == 0:
        raise ValueError(f"`{argument}` must have at least one feature per sample. "
                         f"Received: {argument}.shape={array.shape}.")
    finite = np.isfinite(array).all(axis=1)
    if not finite.all():
        bad = np.flatnonzero(~finite)
        raise ValueError(f"`{argument}` must hold finite numbers; rows {bad[:5].tolist()}"
                         f"{'...' if len(bad) > 5 else ''} contain NaN or Inf. Remove those samples or fix the "
                         f"extractor. Received: {argument} with {len(bad)} non-finite row(s) of {len(array)}.")
    return np.ascontiguousarray(array)


def _check_k(k, count, argument):
    """`k` as an int in [1, count - 1]: the k-th neighbour of a sample is one of the count - 1 others."""
    k = check_int(k, "k", what="the neighbour whose distance is a sample's radius")
    if k >= count:
        raise ValueError(
            f"`k` must be smaller than the number of samples in `{argument}` ({count}): a sample's k-th nearest "
            f"neighbour is one of the {count - 1} others. Pass a smaller k or more samples. Received: k={k}."
        )
    return k


def _check_inputs(real_features, fake_features, k, block_size, fake_radii):
    real = _as_features(real_features, "real_features")
    fake = _as_features(fake_features, "fake_features")
    if fake.shape[1] != real.shape[1]:
        raise ValueError(
            f"`fake_features` must have as many features per sample as `real_features` ({real.shape[1]}); compute "
            f"both with the same extractor. Received: fake_features.shape={fake.shape}."
        )
    k = _check_k(k, len(real), "real_features")
    if fake_radii:  # recall: balls around the fake samples too
        _check_k(k, len(fake), "fake_features")
    elif not len(fake):
        raise ValueError(f"`fake_features` must hold at least one sample. Received: fake_features.shape={fake.shape}.")
    block_size = check_int(block_size, "block_size", what="samples per block of the distance computation")
    return real, fake, k, block_size


#: Pairs whose expanded squared distance is below this fraction of the largest squared norms may have lost
#: their digits to cancellation (|x|^2 + |y|^2 - 2 x.y of near-equal points): they are recomputed directly.
_CANCELLATION = 1e-9


def _squared_distances(a, a_norms, b, b_norms):
    """Squared Euclidean distances of the rows of `a` to those of `b`: one `(len(a), len(b))` array.

    |x|^2 + |y|^2 - 2 x.y (one matrix product), except for near-equal
    pairs, recomputed as |x - y|^2 so that equal samples are at distance
    exactly 0.
    """
    d = a @ b.T
    d *= -2.0
    d += a_norms[:, None]
    d += b_norms[None, :]
    np.maximum(d, 0.0, out=d)  # rounding can make a squared distance slightly negative
    rows, cols = np.nonzero(d <= _CANCELLATION * (a_norms.max() + b_norms.max()))
    step = max(1, 2**20 // a.shape[1])  # pairs per recomputation: at most 8 MB of differences
    for start in range(0, len(rows), step):
        i, j = rows[start : start + step], cols[start : start + step]
        difference = a[i] - b[j]
        d[i, j] = np.einsum("ij,ij->i", difference, difference)
    return d


def _squared_norms(x):
    return np.einsum("ij,ij->i", x, x)


def _squared_radii(features, k, block_size):
    """The squared distance of each sample to its k-th nearest neighbour in `features`, itself excluded.

    As `prdc`: the (k+1)-th smallest distance of a row that includes the
    sample's zero distance to itself (set exactly to 0). Each block of rows
    keeps a running k+1 smallest distances over the blocks of columns.
    """
    x = features - features.mean(axis=0)  # distances do not change; the expansion loses less to rounding
    norms = _squared_norms(x)
    n = len(x)
    radii = np.empty(n)
    for i0 in range(0, n, block_size):
        i1 = min(i0 + block_size, n)
        best = None
        for j0 in range(0, n, block_size):
            j1 = min(j0 + block_size, n)
            d = _squared_distances(x[i0:i1], norms[i0:i1], x[j0:j1], norms[j0:j1])
            own = np.arange(max(i0, j0), min(i1, j1))
            d[own - i0, own - j0] = 0.0
            if best is not None:
                d = np.concatenate([best, d], axis=1)
            best = np.partition(d, k, axis=1)[:, : k + 1] if d.shape[1] > k + 1 else d
        radii[i0:i1] = best.max(axis=1)
    return radii


def _manifold_counts(real, fake, real_radii, fake_radii, block_size, figures):
    """One pass over the real x fake distances, in blocks; returns the per-sample indicators of `figures`.

    `real_radii` and `fake_radii` are squared radii (`fake_radii` may be
    None when recall is not asked for).
    """
    centre = real.mean(axis=0)
    real, fake = real - centre, fake - centre
    real_norms, fake_norms = _squared_norms(real), _squared_norms(fake)
    out = {}
    if "precision" in figures:
        out["precision"] = np.zeros(len(fake), dtype=bool)  # fake j inside some real ball
    if "recall" in figures:
        out["recall"] = np.zeros(len(real), dtype=bool)  # real i inside some fake ball
    if "density" in figures:
        out["density"] = np.zeros(len(fake), dtype=np.int64)  # real balls holding fake j
    if "coverage" in figures:
        out["coverage"] = np.zeros(len(real), dtype=bool)  # real ball i holds some fake
    for i0 in range(0, len(real), block_size):
        i1 = min(i0 + block_size, len(real))
        for j0 in range(0, len(fake), block_size):
            j1 = min(j0 + block_size, len(fake))
            d = _squared_distances(real[i0:i1], real_norms[i0:i1], fake[j0:j1], fake_norms[j0:j1])
            in_real_balls = d < real_radii[i0:i1, None]
            if "precision" in out:
                out["precision"][j0:j1] |= in_real_balls.any(axis=0)
            if "density" in out:
                out["density"][j0:j1] += in_real_balls.sum(axis=0)
            if "coverage" in out:
                out["coverage"][i0:i1] |= in_real_balls.any(axis=1)
            if "recall" in out:
                out["recall"][i0:i1] |= (d < fake_radii[None, j0:j1]).any(axis=1)
    return out


def _figures(counts, k):
    """The figures from the indicators of `_manifold_counts`, with prdc's arithmetic."""
    values = {}
    for name, indicator in counts.items():
        if name == "density":
            values[name] = float((1.0 / float(k)) * indicator.mean())
        else:
            values[name] = float(indicator.mean())
    return values


def precision_recall(real_features, fake_features, k=3, block_size=1024):
    """Improved precision and recall of generated features against real ones.

    Each set's manifold is the union of balls centred on its samples, of
    radius the distance to the sample's k-th nearest neighbour in its set
    (itself excluded). Precision is the fraction of fake samples inside the
    real manifold (fidelity); recall, the fraction of real samples inside the
    fake manifold (diversity). A point is inside a ball when its distance to
    the centre is strictly smaller than the radius, as in the `prdc` package.

    Distances are computed in float64 blocks of at most
    `block_size x block_size`, so memory does not grow with the product of
    the set sizes.

    Args:
        real_features: Array `(n, d)`, e.g. features of real images.
        fake_features: Array `(m, d)`, e.g. features of generated images.
        k: The nearest neighbour that sets the radii, an int smaller than
            both `n` and `m` (3 in the paper).
        block_size: Samples per block of the distance computation (memory
            about 8 * block_size^2 bytes per block).

    Returns:
        A dict `{"precision": float, "recall": float}`, both in [0, 1].

    Example:

    >>> rng = np.random.default_rng(0)
    >>> real, fake = rng.normal(size=(1000, 8)), rng.normal(size=(1000, 8))
    >>> same = precision_recall(real, fake)
    >>> sorted(same), bool(same["precision"] > 0.8 and same["recall"] > 0.8)
    (['precision', 'recall'], True)
    >>> precision_recall(real, fake + 10.0)  # far apart: no overlap
    {'precision': 0.0, 'recall': 0.0}
    >>> collapsed = precision_recall(real, np.repeat(real[:5], 200, axis=0))  # five real samples
    >>> collapsed["precision"], collapsed["recall"]
    (1.0, 0.0)

    Reference:
        Kynkaanniemi et al., "Improved Precision and Recall Metric for Assessing Generative Models",
        NeurIPS 2019.
    """
    real, fake, k, block_size = _check_inputs(real_features, fake_features, k, block_size, fake_radii=True)
    counts = _manifold_counts(real, fake, _squared_radii(real, k, block_size), _squared_radii(fake, k, block_size),
                              block_size, ("precision", "recall"))
    return _figures(counts, k)


def density_coverage(real_features, fake_features, k=5, block_size=1024):
    """Density and coverage of generated features against real ones.

    With B(x_i, r_i) the ball around real sample i of radius its distance
    to its k-th nearest real neighbour (itself excluded), N real and M fake
    samples:

    - density = 1 / (k M) * sum_j sum_i 1[fake_j in B(x_i, r_i)]: how many
      real balls hold a fake sample on average, divided by k; about 1 when
      the two distributions are the same, above 1 when fakes crowd the
      dense regions of the real data.
    - coverage = 1 / N * sum_i 1[some fake_j in B(x_i, r_i)]: the fraction
      of real balls that hold a fake sample, in [0, 1]; about 1 - 2^-k when
      the two distributions are the same and N = M.

    Only real balls are used, so a few fake outliers do not inflate either
    figure (unlike recall). Points are inside a ball when strictly closer
    than its radius, as in the `prdc` package. Distances are computed in
    float64 blocks of at most `block_size x block_size`.

    Args:
        real_features: Array `(n, d)`, e.g. features of real images.
        fake_features: Array `(m, d)`, e.g. features of generated images.
        k: The nearest neighbour that sets the radii, an int smaller than
            `n` (5 in the paper).
        block_size: Samples per block of the distance computation (memory
            about 8 * block_size^2 bytes per block).

    Returns:
        A dict `{"density": float, "coverage": float}`.

    Example:

    >>> rng = np.random.default_rng(0)
    >>> real, fake = rng.normal(size=(1000, 8)), rng.normal(size=(1000, 8))
    >>> same = density_coverage(real, fake, k=5)
    >>> bool(abs(same["density"] - 1.0) < 0.1 and abs(same["coverage"] - (1 - 0.5**5)) < 0.03)
    True
    >>> density_coverage(real, fake + 10.0)  # far apart: no overlap
    {'density': 0.0, 'coverage': 0.0}

    Reference:
        Naeem et al., "Reliable Fidelity and Diversity Metrics for Generative Models", ICML 2020.
    """
    real, fake, k, block_size = _check_inputs(real_features, fake_features, k, block_size, fake_radii=False)
    counts = _manifold_counts(real, fake, _squared_radii(real, k, block_size), None, block_size,
                              ("density", "coverage"))
    return _figures(counts, k)
