"""The 5,000 real MNIST digits embedded in the package (see data/README.md)."""

import os

import numpy as np

DIGITS_PATH = os.path.join(os.path.dirname(__file__), "data", "mnist_5k.npz")


def load_digits(seed=0, scale=(-1.0, 1.0)):
    """Loads the embedded digits as shuffled float arrays.

    Args:
        seed: Seed of the shuffle (the archive is sorted by class).
        scale: Range the grey levels 0-255 are mapped to.

    Returns:
        `(images, labels)`: float32 `(5000, 28, 28, 1)` in `scale`, and int32
        `(5000,)` digit classes.

    Example:

    >>> x, y = load_digits()
    >>> x.shape, float(x.min()), float(x.max()), len(set(y[:100]))
    ((5000, 28, 28, 1), -1.0, 1.0, 10)
    """
    with np.load(DIGITS_PATH) as archive:
        images, labels = archive["images"], archive["labels"]
    order = np.random.default_rng(seed).permutation(len(images))
    low, high = scale
    images = images[order].astype("float32")[..., None] / 255.0 * (high - low) + low
    return images, labels[order].astype("int32")
